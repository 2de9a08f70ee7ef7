import { refundChargeEndpoint } from "@/lib/api/billing/refund";
import { routeHandler } from "@/lib/api/with-api-key";

export const dynamic = "force-dynamic";

/** POST /api/v1/billing/charges/{id}/refund (scope billing:write): refund an unused top-up — see lib/api/billing/refund.ts. */
export const POST = routeHandler(refundChargeEndpoint);
