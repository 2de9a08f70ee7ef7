import { formatMoney } from '../billing-periods.js';
import type { Emulator } from '../emulator.js';
import type { StripeObject } from '../store.js';

/** What the hosted invoice page and the PDF both show, in display strings. */
export interface InvoiceView {
  number: string;
  status: string;
  statusLabel: string;
  issued: string;
  paidOn: string | null;
  seller: string;
  billTo: string[];
  taxIds: string[];
  lines: { description: string; quantity: number; amount: string }[];
  subtotal: string;
  total: string;
  amountPaid: string;
  amountDue: string;
  paymentMethod: string | null;
  description: string | null;
  footer: string | null;
  pdfUrl: string | null;
  receiptUrl: string | null;
}

const TAX_ID_LABELS: Record<string, string> = {
  eu_vat: 'EU VAT',
  gb_vat: 'GB VAT',
  us_ein: 'US EIN',
  au_abn: 'AU ABN',
  ca_bn: 'CA BN',
  ch_vat: 'CH VAT',
  in_gst: 'IN GST',
  no_vat: 'NO VAT',
};
const STATUS_LABELS: Record<string, string> = { draft: 'Draft', open: 'Due', paid: 'Paid', void: 'Void', uncollectible: 'Uncollectible' };

export function formatDate(unix: number): string {
  return new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(unix * 1000));
}

function addressLines(address: StripeObject | null): string[] {
  if (!address) return [];
  const cityLine = [address.city, address.state, address.postal_code].filter(Boolean).join(', ');
  return [address.line1, address.line2, cityLine, address.country].filter((part): part is string => Boolean(part));
}

function chargeOf(emulator: Emulator, invoice: StripeObject): StripeObject | undefined {
  const paymentIntentId = invoice.payments.data.find((p: StripeObject) => p.status === 'paid')?.payment?.payment_intent;
  const paymentIntent = paymentIntentId ? emulator.store.get(paymentIntentId) : undefined;
  return paymentIntent?.latest_charge ? emulator.store.get(paymentIntent.latest_charge) : undefined;
}

export function invoiceView(emulator: Emulator, invoice: StripeObject): InvoiceView {
  const money = (amount: number): string => formatMoney(amount, invoice.currency);
  const charge = chargeOf(emulator, invoice);
  const card = charge?.payment_method_details?.card;
  const paidAt = invoice.status_transitions.paid_at;
  const outOfBand = invoice.status === 'paid' && !charge && invoice.amount_due > 0;
  return {
    number: invoice.number ?? 'Draft',
    status: invoice.status,
    statusLabel: STATUS_LABELS[invoice.status] ?? invoice.status,
    issued: formatDate(invoice.status_transitions.finalized_at ?? invoice.created),
    paidOn: paidAt ? formatDate(paidAt) : null,
    seller: invoice.account_name ?? 'Stripe Emulator',
    billTo: [invoice.customer_name, ...addressLines(invoice.customer_address), invoice.customer_email].filter((part): part is string => Boolean(part)),
    taxIds: (invoice.customer_tax_ids ?? []).map((t: StripeObject) => `${TAX_ID_LABELS[t.type] ?? t.type.toUpperCase()} ${t.value}`),
    lines: invoice.lines.data.map((line: StripeObject) => ({ description: line.description ?? 'Item', quantity: line.quantity ?? 1, amount: money(line.amount) })),
    subtotal: money(invoice.subtotal),
    total: money(invoice.total),
    amountPaid: money(invoice.amount_paid),
    amountDue: money(invoice.amount_remaining),
    paymentMethod: card ? `${String(card.brand).toUpperCase()} •••• ${card.last4}` : outOfBand ? 'Paid outside Stripe' : null,
    description: invoice.description,
    footer: invoice.footer,
    pdfUrl: invoice.invoice_pdf,
    receiptUrl: charge?.receipt_url ?? null,
  };
}
