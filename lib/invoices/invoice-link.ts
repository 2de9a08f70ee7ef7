import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { checkoutSessions, purchaseInvoices, rechargeAttempts } from "@/db/schema";
import { parseCheckoutSessionId, parseUuid } from "@/lib/validation/ids";
import { checkoutInvoiceOf, receiptUrlOf } from "@/lib/stripe/invoices";

/**
 * Where the stable invoice link of one of the org's purchases points now: the hosted invoice once issued,
 * else the charge's receipt (stored, or asked from Stripe when the `invoice.issue` job has not run yet),
 * else null (not paid, or not this org's purchase).
 */
export async function invoiceLinkTarget(db: Db, orgId: string, purchaseId: string): Promise<string | null> {
  const [row] = await db
    .select()
    .from(purchaseInvoices)
    .where(and(eq(purchaseInvoices.purchaseId, purchaseId), eq(purchaseInvoices.orgId, orgId)));
  if (row?.hostedInvoiceUrl) return row.hostedInvoiceUrl;
  if (row?.receiptUrl) return row.receiptUrl;
  const attemptId = parseUuid(purchaseId);
  if (attemptId) {
    const [a] = await db
      .select({ status: rechargeAttempts.status, paymentIntentId: rechargeAttempts.paymentIntentId })
      .from(rechargeAttempts)
      .where(and(eq(rechargeAttempts.id, attemptId), eq(rechargeAttempts.orgId, orgId)));
    return a?.status === "succeeded" && a.paymentIntentId ? receiptUrlOf(a.paymentIntentId) : null;
  }
  const sessionId = parseCheckoutSessionId(purchaseId);
  if (!sessionId) return null;
  const [s] = await db
    .select({ status: checkoutSessions.status })
    .from(checkoutSessions)
    .where(and(eq(checkoutSessions.id, sessionId), eq(checkoutSessions.orgId, orgId), eq(checkoutSessions.mode, "payment")));
  if (s?.status !== "complete") return null;
  const found = await checkoutInvoiceOf(sessionId);
  return found.invoice?.hostedInvoiceUrl ?? found.receiptUrl;
}
