"use server";

import { getDb } from "@/db/client";
import { ownerAction } from "@/lib/actions/action-shell";
import type { ActionResult } from "@/lib/actions/action-result";
import { OWNER_ONLY_PAYMENT } from "@/lib/billing/messages";
import { createBillingPortalSession } from "@/lib/stripe/checkout";
import { billingReturnUrl } from "./paths";

type RedirectResult = ActionResult<{ url?: string }>;

const run = ownerAction(
  null,
  async ({ ctx: { org }, orgSlug }): Promise<RedirectResult> => {
    const portal = await createBillingPortalSession(getDb(), { orgId: org.id, returnUrl: billingReturnUrl(orgSlug, "portal=return") });
    if (!portal) return { ok: false, code: "no_customer", message: "No subscription to manage yet." };
    return { ok: true, url: portal.url };
  },
  { denied: OWNER_ONLY_PAYMENT },
);

/** Owner only: a Stripe Customer Portal session → `{ url }`; `no_customer` before the first subscription. */
export async function managePlanAction(orgSlug: string): Promise<RedirectResult> {
  return run(orgSlug);
}
