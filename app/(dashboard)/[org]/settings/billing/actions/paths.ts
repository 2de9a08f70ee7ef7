import { env } from "@/lib/env";

/** The Billing page's path, and an absolute URL back to it with `query` (Stripe's return URLs). */
export const billingPath = (slug: string) => `/${slug}/settings/billing`;
export const billingReturnUrl = (slug: string, query: string) => `${env().APP_URL}${billingPath(slug)}?${query}`;
