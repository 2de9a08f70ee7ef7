import { getDb } from "@/db/client";
import { getBillingDetailsReply, putBillingDetails } from "@/lib/api/billing/billing-details";
import { withApiKey } from "@/lib/api/with-api-key";
import { billingDetailsApiSchema } from "@/lib/billing/billing-details";

export const dynamic = "force-dynamic";

/** GET /api/v1/billing/details (scope billing:read): the legal name, address and tax ID printed on invoices. */
export const GET = withApiKey(["billing:read", "billing:write"], ({ key }) => getBillingDetailsReply(getDb(), key.orgId));

/** PUT /api/v1/billing/details `{ legal_name, address: {line1, line2?, city, postal_code?, state?, country}, tax_id?: {type, value} | null }` (billing:write). */
export const PUT = withApiKey(["billing:write"], ({ key, body }) => putBillingDetails(getDb(), { orgId: key.orgId, input: body }), {
  body: billingDetailsApiSchema,
  invalidMessage: "Some fields are invalid.",
});
