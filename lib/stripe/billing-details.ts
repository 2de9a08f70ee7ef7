import { eq } from "drizzle-orm";
import Stripe from "stripe";
import type { Db, DbOrTx } from "@/db/client";
import { billingDetails } from "@/db/schema";
import type { BillingDetails, TaxIdType } from "@/lib/billing/billing-details";
import { getStripe } from "./client";
import { ensureStripeCustomer } from "./customers";

export type SaveBillingDetailsResult = { ok: true; details: BillingDetails } | { ok: false; field: "taxIdValue"; message: string };

/** The org's billing details from our mirror (what the Billing page shows), or null when none were saved. */
export async function getBillingDetails(db: DbOrTx, orgId: string): Promise<BillingDetails | null> {
  const [row] = await db.select().from(billingDetails).where(eq(billingDetails.orgId, orgId));
  if (!row) return null;
  return {
    legalName: row.legalName,
    line1: row.line1,
    line2: row.line2,
    city: row.city,
    postalCode: row.postalCode,
    state: row.state,
    country: row.country,
    taxId: row.taxIdType && row.taxIdValue ? { type: row.taxIdType as TaxIdType, value: row.taxIdValue } : null,
  };
}

/**
 * Pushes the billing details to the org's Stripe customer — name, address and exactly one tax ID (the new
 * one is created first, so a number Stripe refuses changes nothing; other tax IDs are removed after) — and
 * then mirrors them in `billing_details`. Invoices copy the customer's details when they are finalized, so
 * every invoice issued after this call carries them.
 */
export async function saveBillingDetails(db: Db, p: { orgId: string; userId: string | null; details: BillingDetails }): Promise<SaveBillingDetailsResult> {
  const { details } = p;
  const customerId = await ensureStripeCustomer(db, p.orgId);
  const stripe = getStripe();
  const [current] = await db.select().from(billingDetails).where(eq(billingDetails.orgId, p.orgId));
  const unchanged = (current?.taxIdType ?? null) === (details.taxId?.type ?? null) && (current?.taxIdValue ?? null) === (details.taxId?.value ?? null);
  let stripeTaxId = unchanged ? (current?.stripeTaxId ?? null) : null;
  if (!unchanged && details.taxId) {
    try {
      stripeTaxId = (await stripe.customers.createTaxId(customerId, { type: details.taxId.type, value: details.taxId.value })).id;
    } catch (err) {
      if (err instanceof Stripe.errors.StripeInvalidRequestError && (err.code === "tax_id_invalid" || err.param === "value")) {
        return { ok: false, field: "taxIdValue", message: "Stripe did not accept this tax ID. Check the number and its type." };
      }
      throw err;
    }
  }
  await stripe.customers.update(customerId, {
    name: details.legalName,
    address: {
      line1: details.line1,
      line2: details.line2 ?? "",
      city: details.city,
      postal_code: details.postalCode ?? "",
      state: details.state ?? "",
      country: details.country,
    },
  });
  for (const taxId of (await stripe.customers.listTaxIds(customerId, { limit: 100 })).data) {
    if (taxId.id !== stripeTaxId) await stripe.customers.deleteTaxId(customerId, taxId.id);
  }
  const row = {
    legalName: details.legalName,
    line1: details.line1,
    line2: details.line2,
    city: details.city,
    postalCode: details.postalCode,
    state: details.state,
    country: details.country,
    taxIdType: details.taxId?.type ?? null,
    taxIdValue: details.taxId?.value ?? null,
    stripeTaxId,
    updatedBy: p.userId,
    updatedAt: new Date(),
  };
  await db
    .insert(billingDetails)
    .values({ orgId: p.orgId, ...row })
    .onConflictDoUpdate({ target: billingDetails.orgId, set: row });
  return { ok: true, details };
}
