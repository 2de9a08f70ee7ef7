import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { purchaseInvoices, rechargeAttempts } from "@/db/schema";
import { purchaseDescription } from "@/lib/billing/invoice-links";
import { getStripeCustomer } from "@/lib/stripe/customers";
import { checkoutInvoiceOf, issueOutOfBandInvoice, receiptUrlOf } from "@/lib/stripe/invoices";

export interface IssueInvoiceResult {
  purchaseId: string;
  result: "issued" | "already issued" | "receipt only" | "not found" | "not succeeded";
  invoiceId?: string | null;
}

/**
 * The `invoice.issue` job: gives a settled purchase its invoice, once. A recharge attempt (Top Up Now,
 * auto-recharge) gets an out-of-band-paid invoice for exactly its amount (lib/stripe/invoices, keys derived
 * from the attempt id; the receipt URL is stored first so the link works meanwhile). A Buy Credits session
 * already has Stripe's post-payment invoice (`invoice_creation`): its links are recorded. Re-runs and
 * duplicates find the row `issued` (or continue the same Stripe invoice) and create nothing.
 */
export async function issuePurchaseInvoice(db: Db, purchaseId: string): Promise<IssueInvoiceResult> {
  const [row] = await db.select().from(purchaseInvoices).where(eq(purchaseInvoices.purchaseId, purchaseId));
  if (!row) return { purchaseId, result: "not found" };
  if (row.status === "issued") return { purchaseId, result: "already issued", invoiceId: row.invoiceId };
  const update = (set: Partial<typeof purchaseInvoices.$inferInsert>) =>
    db.update(purchaseInvoices).set(set).where(eq(purchaseInvoices.purchaseId, purchaseId));

  if (row.source === "checkout") {
    const found = await checkoutInvoiceOf(purchaseId);
    const invoice = found.invoice;
    await update({
      status: invoice ? "issued" : "receipt_only",
      paymentIntentId: found.paymentIntentId,
      receiptUrl: found.receiptUrl,
      invoiceId: invoice?.invoiceId ?? null,
      invoiceNumber: invoice?.number ?? null,
      hostedInvoiceUrl: invoice?.hostedInvoiceUrl ?? null,
      invoicePdfUrl: invoice?.invoicePdfUrl ?? null,
      issuedAt: invoice ? new Date() : null,
    });
    return { purchaseId, result: invoice ? "issued" : "receipt only", invoiceId: invoice?.invoiceId ?? null };
  }

  const [a] = await db
    .select()
    .from(rechargeAttempts)
    .where(and(eq(rechargeAttempts.id, purchaseId), eq(rechargeAttempts.orgId, row.orgId)));
  if (!a || a.status !== "succeeded" || !a.paymentIntentId) return { purchaseId, result: "not succeeded" };
  const customer = await getStripeCustomer(db, a.orgId);
  if (!customer) return { purchaseId, result: "not found" };
  if (!row.receiptUrl) await update({ receiptUrl: await receiptUrlOf(a.paymentIntentId), paymentIntentId: a.paymentIntentId });
  try {
    const links = await issueOutOfBandInvoice({
      customerId: customer.customerId,
      purchaseId,
      paymentIntentId: a.paymentIntentId,
      amountCents: a.amountCents,
      currency: a.currency,
      description: purchaseDescription(a),
      existingInvoiceId: row.invoiceId,
      remember: async (invoiceId) => void (await update({ invoiceId })),
    });
    await update({
      status: "issued",
      invoiceId: links.invoiceId,
      invoiceNumber: links.number,
      hostedInvoiceUrl: links.hostedInvoiceUrl,
      invoicePdfUrl: links.invoicePdfUrl,
      issuedAt: new Date(),
      lastError: null,
    });
    return { purchaseId, result: "issued", invoiceId: links.invoiceId };
  } catch (err) {
    await update({ lastError: err instanceof Error ? err.message : String(err) });
    throw err; // the job retries with back-off
  }
}
