import type Stripe from "stripe";
import { getStripe } from "./client";
import { idOf } from "./events";

/** What we keep of a Stripe invoice: its id, number and the two customer-facing links. */
export interface InvoiceLinks {
  invoiceId: string;
  number: string | null;
  hostedInvoiceUrl: string | null;
  invoicePdfUrl: string | null;
}

function linksOf(invoice: Stripe.Invoice): InvoiceLinks {
  return { invoiceId: invoice.id!, number: invoice.number, hostedInvoiceUrl: invoice.hosted_invoice_url ?? null, invoicePdfUrl: invoice.invoice_pdf ?? null };
}

/**
 * The invoice of an off-session charge that already succeeded: a draft for the customer (pending items
 * excluded, so nothing else is swept in), one invoice item for exactly `amountCents` attached to it, finalized
 * (the customer's name, address and tax IDs are copied now), then marked paid out of band — the money moved
 * through the PaymentIntent, so the invoice must not charge again. Every step is keyed by `purchaseId` and
 * skipped when the invoice is already past it, so a re-run continues where the last one stopped and never
 * makes a second invoice. `remember` stores the invoice id as soon as it exists.
 */
export async function issueOutOfBandInvoice(p: {
  customerId: string;
  purchaseId: string;
  paymentIntentId: string;
  amountCents: number;
  currency: string;
  description: string;
  existingInvoiceId: string | null;
  remember: (invoiceId: string) => Promise<void>;
}): Promise<InvoiceLinks> {
  const stripe = getStripe();
  const metadata = { payment_intent: p.paymentIntentId, attempt_id: p.purchaseId };
  let invoice = p.existingInvoiceId
    ? await stripe.invoices.retrieve(p.existingInvoiceId)
    : await stripe.invoices.create(
        { customer: p.customerId, collection_method: "charge_automatically", auto_advance: false, pending_invoice_items_behavior: "exclude", metadata },
        { idempotencyKey: `invoice:${p.purchaseId}` },
      );
  if (!p.existingInvoiceId) await p.remember(invoice.id!);
  if (invoice.status === "draft" && invoice.lines.data.length === 0) {
    await stripe.invoiceItems.create(
      { customer: p.customerId, invoice: invoice.id, amount: p.amountCents, currency: p.currency, description: p.description, metadata },
      { idempotencyKey: `invoice-item:${p.purchaseId}` },
    );
  }
  if (invoice.status === "draft") invoice = await stripe.invoices.finalizeInvoice(invoice.id!, {}, { idempotencyKey: `invoice-finalize:${p.purchaseId}` });
  if (invoice.status === "open")
    invoice = await stripe.invoices.pay(invoice.id!, { paid_out_of_band: true }, { idempotencyKey: `invoice-pay:${p.purchaseId}` });
  return linksOf(invoice);
}

/** The receipt of a PaymentIntent's charge (`receipt_url`), or null before it has a succeeded charge. */
export async function receiptUrlOf(paymentIntentId: string): Promise<string | null> {
  const paymentIntent = await getStripe().paymentIntents.retrieve(paymentIntentId, { expand: ["latest_charge"] });
  const charge = paymentIntent.latest_charge as Stripe.Charge | string | null;
  return typeof charge === "object" && charge ? (charge.receipt_url ?? null) : null;
}

/** A Buy Credits session's post-payment invoice (`invoice_creation`) and its PaymentIntent's receipt. */
export async function checkoutInvoiceOf(
  sessionId: string,
): Promise<{ invoice: InvoiceLinks | null; paymentIntentId: string | null; receiptUrl: string | null }> {
  const session = await getStripe().checkout.sessions.retrieve(sessionId, { expand: ["invoice", "payment_intent.latest_charge"] });
  const paymentIntent = session.payment_intent as Stripe.PaymentIntent | null;
  const charge = paymentIntent?.latest_charge as Stripe.Charge | null | undefined;
  const invoice = session.invoice as Stripe.Invoice | null;
  return {
    invoice: invoice && typeof invoice === "object" && invoice.status !== "draft" ? linksOf(invoice) : null,
    paymentIntentId: idOf(paymentIntent),
    receiptUrl: charge && typeof charge === "object" ? (charge.receipt_url ?? null) : null,
  };
}
