import type { z } from "zod";
import type { Db } from "@/db/client";
import { toBillingDetails, type BillingDetails, type billingDetailsApiSchema } from "@/lib/billing/billing-details";
import { getBillingDetails, saveBillingDetails } from "@/lib/stripe/billing-details";
import { invalidRequest, type ApiReply } from "../responses";

function detailsJson(d: BillingDetails | null) {
  if (!d) return null;
  return {
    legal_name: d.legalName,
    address: { line1: d.line1, line2: d.line2, city: d.city, postal_code: d.postalCode, state: d.state, country: d.country },
    tax_id: d.taxId,
  };
}

/** `GET /api/v1/billing/details` → `{ billing_details: {legal_name, address, tax_id} | null }` (from our mirror). */
export async function getBillingDetailsReply(db: Db, orgId: string): Promise<ApiReply> {
  return { status: 200, body: { billing_details: detailsJson(await getBillingDetails(db, orgId)) } };
}

/** `PUT /api/v1/billing/details`: pushed to the Stripe customer, then mirrored; a tax ID Stripe refuses → 422 `tax_id.value`. */
export async function putBillingDetails(db: Db, p: { orgId: string; input: z.output<typeof billingDetailsApiSchema> }): Promise<ApiReply> {
  const r = await saveBillingDetails(db, { orgId: p.orgId, userId: null, details: toBillingDetails(p.input) });
  if (!r.ok) return invalidRequest({ "tax_id.value": [r.message] });
  return { status: 200, body: { billing_details: detailsJson(r.details) } };
}
