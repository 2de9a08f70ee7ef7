import type { Emulator } from '../emulator.js';
import { newId } from '../ids.js';
import type { StripeObject } from '../store.js';

/** One rendered invoice line (`line_item`), before it is attached to an invoice. */
export interface LineInput {
  amount: number;
  description: string;
  quantity: number;
  metadata?: Record<string, string>;
  period: { start: number; end: number };
  parent: StripeObject;
  pricing: StripeObject | null;
}

export interface InvoiceInput {
  billingReason: string;
  collectionMethod: 'charge_automatically' | 'send_invoice';
  autoAdvance: boolean;
  created: number;
  currency: string;
  description?: string | null;
  footer?: string | null;
  metadata?: Record<string, string>;
  parent: StripeObject | null;
  periodStart: number;
  periodEnd: number;
  dueDate?: number | null;
}

function toLine(invoiceId: string, currency: string, line: LineInput): StripeObject {
  return {
    id: newId('il'),
    object: 'line_item',
    amount: line.amount,
    currency,
    description: line.description,
    discount_amounts: [],
    discountable: true,
    discounts: [],
    invoice: invoiceId,
    livemode: false,
    metadata: { ...(line.metadata ?? {}) },
    parent: line.parent,
    period: line.period,
    pretax_credit_amounts: [],
    pricing: line.pricing,
    quantity: line.quantity,
    subtotal: line.amount,
    taxes: [],
  };
}

/** Appends lines and recomputes the totals (a draft's amounts follow its lines). */
export function addInvoiceLines(invoice: StripeObject, lines: LineInput[]): void {
  for (const line of lines) invoice.lines.data.push(toLine(invoice.id, invoice.currency, line));
  invoice.lines.total_count = invoice.lines.data.length;
  const total = invoice.lines.data.reduce((sum: number, line: StripeObject) => sum + line.amount, 0);
  Object.assign(invoice, { amount_due: total, amount_remaining: total - invoice.amount_paid, subtotal: total, subtotal_excluding_tax: total, total, total_excluding_tax: total });
}

/** A draft invoice with Stripe's full field set (the customer's details are copied again at finalization). */
export function buildInvoice(emulator: Emulator, customer: StripeObject, input: InvoiceInput): StripeObject {
  const id = newId('in');
  return {
    id,
    object: 'invoice',
    account_country: 'US',
    account_name: 'Stripe Emulator',
    account_tax_ids: null,
    amount_due: 0,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: 0,
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: input.autoAdvance,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: null,
    billing_reason: input.billingReason,
    collection_method: input.collectionMethod,
    confirmation_secret: null,
    created: input.created,
    currency: input.currency,
    custom_fields: null,
    customer: customer.id,
    customer_account: null,
    customer_address: customer.address,
    customer_email: customer.email,
    customer_name: customer.name,
    customer_phone: customer.phone,
    customer_shipping: customer.shipping,
    customer_tax_exempt: customer.tax_exempt ?? 'none',
    customer_tax_ids: customerTaxIds(emulator, customer.id),
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: input.description ?? null,
    discounts: [],
    due_date: input.dueDate ?? null,
    effective_at: null,
    ending_balance: null,
    footer: input.footer ?? null,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: 'self' },
    last_finalization_error: null,
    latest_revision: null,
    lines: { object: 'list', data: [], has_more: false, total_count: 0, url: `/v1/invoices/${id}/lines` },
    livemode: false,
    metadata: { ...(input.metadata ?? {}) },
    next_payment_attempt: null,
    number: null,
    on_behalf_of: null,
    parent: input.parent,
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    payments: { object: 'list', data: [], has_more: false, total_count: 0, url: `/v1/invoice_payments?invoice=${id}` },
    period_end: input.periodEnd,
    period_start: input.periodStart,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: 'draft',
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subtotal: 0,
    subtotal_excluding_tax: 0,
    test_clock: customer.test_clock,
    total: 0,
    total_discount_amounts: [],
    total_excluding_tax: 0,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: input.created,
  };
}

/** The customer's tax IDs as an invoice shows them (`customer_tax_ids`). */
function customerTaxIds(emulator: Emulator, customerId: string): StripeObject[] {
  return emulator.store
    .list('tax_id', (t) => t.customer === customerId)
    .reverse()
    .map((t) => ({ type: t.type, value: t.value }));
}

/**
 * draft → open: the number, the hosted page and the PDF; the customer's name, address and tax IDs are
 * copied now and no longer follow the customer. A zero-total invoice is paid at once.
 */
export function finalizeInvoice(emulator: Emulator, invoice: StripeObject, at: number): void {
  const customer = emulator.store.require('customer', invoice.customer);
  Object.assign(invoice, {
    status: 'open',
    number: `${customer.invoice_prefix}-${String(customer.next_invoice_sequence++).padStart(4, '0')}`,
    effective_at: at,
    hosted_invoice_url: `${emulator.publicUrl}/i/${invoice.id}`,
    invoice_pdf: `${emulator.publicUrl}/i/${invoice.id}/pdf`,
    customer_address: customer.address,
    customer_email: customer.email,
    customer_name: customer.name,
    customer_phone: customer.phone,
    customer_shipping: customer.shipping,
    customer_tax_ids: customerTaxIds(emulator, customer.id),
  });
  invoice.status_transitions.finalized_at = at;
  emulator.store.changed();
  emulator.emit('invoice.finalized', invoice);
  if (invoice.amount_due === 0) markInvoicePaid(emulator, invoice, at, { outOfBand: false });
}

/** open → paid. Out of band (`paid_out_of_band`): no payment is recorded and only `invoice.paid` is sent. */
export function markInvoicePaid(emulator: Emulator, invoice: StripeObject, paidAt: number, options: { outOfBand: boolean }): void {
  Object.assign(invoice, { status: 'paid', amount_paid: invoice.amount_due, amount_remaining: 0, next_payment_attempt: null });
  if (!options.outOfBand) invoice.attempted = true;
  invoice.status_transitions.paid_at = paidAt;
  emulator.store.changed();
  emulator.emit('invoice.paid', invoice);
  if (!options.outOfBand) emulator.emit('invoice.payment_succeeded', invoice);
}

/** Records a PaymentIntent as one of the invoice's payments (`payments.data`, newest first). */
export function addInvoicePayment(invoice: StripeObject, paymentIntentId: string, at: number, paid: boolean): StripeObject {
  const payment: StripeObject = {
    id: newId('inpay'),
    object: 'invoice_payment',
    amount_paid: paid ? invoice.amount_due : null,
    amount_requested: invoice.amount_due,
    created: at,
    currency: invoice.currency,
    invoice: invoice.id,
    is_default: true,
    livemode: false,
    payment: { payment_intent: paymentIntentId, type: 'payment_intent' },
    status: paid ? 'paid' : 'open',
    status_transitions: { canceled_at: null, paid_at: paid ? at : null },
  };
  invoice.payments.data.unshift(payment);
  invoice.payments.total_count = invoice.payments.data.length;
  return payment;
}
