"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/db/client";
import { ownerAction } from "@/lib/actions/action-shell";
import type { ActionResult } from "@/lib/actions/action-result";
import { billingDetailsSchema, toBillingDetails } from "@/lib/billing/billing-details";
import { OWNER_ONLY_BILLING_DETAILS } from "@/lib/billing/messages";
import { saveBillingDetails } from "@/lib/stripe/billing-details";
import { billingPath } from "./paths";

const save = ownerAction(
  billingDetailsSchema,
  async ({ ctx: { org, user }, input, orgSlug }): Promise<ActionResult> => {
    const r = await saveBillingDetails(getDb(), { orgId: org.id, userId: user.id, details: toBillingDetails(input) });
    if (!r.ok) return { ok: false, code: "validation_error", message: r.message, fieldErrors: { [r.field]: [r.message] } };
    revalidatePath(billingPath(orgSlug));
    return { ok: true, message: "Billing details saved. New invoices will show them." };
  },
  { denied: OWNER_ONLY_BILLING_DETAILS },
);

/** Owner only: the org's legal name, address and tax ID for invoices, pushed to the Stripe customer. */
export async function saveBillingDetailsAction(orgSlug: string, input: unknown): Promise<ActionResult> {
  return save(orgSlug, input);
}
