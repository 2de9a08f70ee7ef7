import { StripeApiError, invalidRequest } from '../errors.js';
import type { Emulator } from '../emulator.js';
import { newId } from '../ids.js';
import { formatMoney } from '../billing-periods.js';
import { LIST_PARAMS, matchesCreated, paginate } from '../lists.js';
import { assertKnownParams, optionalBool, optionalString } from '../params.js';
import type { Router } from '../router.js';
import type { StripeObject } from '../store.js';
import { buildPaymentIntent, confirmPaymentIntent } from './payment-intents.js';

export interface InvoiceLine {
  price: StripeObject;
  quantity: number;
  amount: number;
  periodStart: number;
  periodEnd: number;
  subscriptionItem: string;
  proration?: boolean;
  description?: string;
}

export type BillingReason = 'subscription_create' | 'subscription_cycle' | 'subscription_update';

function lineDescription(emulator: Emulator, line: InvoiceLine): string {
  if (line.description) return line.description;
  const product = emulator.store.get(line.price.product);
  const interval = line.price.recurring ? ` / ${line.price.recurring.interval}` : '';
  return `${line.quantity} × ${product?.name ?? 'Product'} (at ${formatMoney(line.price.unit_amount, line.price.currency)}${interval})`;
}

/** A subscription invoice: created (draft) → finalized (open) → payment attempted. */
export function createSubscriptionInvoice(
  emulator: Emulator,
  subscription: StripeObject,
  billingReason: BillingReason,
  lines: InvoiceLine[],
  options: { created: number; periodStart: number; periodEnd: number; offSession: boolean; preAuthenticated?: boolean },
): StripeObject {
  const customer = emulator.store.require('customer', subscription.customer);
  const id = newId('in');
  const total = lines.reduce((sum, line) => sum + line.amount, 0);
  const invoice: StripeObject = {
    id,
    object: 'invoice',
    account_country: 'US',
    account_name: 'Stripe Emulator',
    account_tax_ids: null,
    amount_due: total,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: total,
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: true,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: null,
    billing_reason: billingReason,
    collection_method: 'charge_automatically',
    created: options.created,
    currency: subscription.currency,
    custom_fields: null,
    customer: customer.id,
    customer_account: null,
    customer_address: customer.address,
    customer_email: customer.email,
    customer_name: customer.name,
    customer_phone: customer.phone,
    customer_shipping: customer.shipping,
    customer_tax_exempt: 'none',
    customer_tax_ids: [],
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    due_date: null,
    effective_at: null,
    ending_balance: null,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: `${emulator.publicUrl}/i/${id}`,
    invoice_pdf: null,
    issuer: { type: 'self' },
    last_finalization_error: null,
    latest_revision: null,
    lines: {
      object: 'list',
      data: lines.map((line) => ({
        id: newId('il'),
        object: 'line_item',
        amount: line.amount,
        currency: subscription.currency,
        description: lineDescription(emulator, line),
        discount_amounts: [],
        discountable: true,
        discounts: [],
        invoice: id,
        livemode: false,
        metadata: {},
        parent: {
          invoice_item_details: null,
          subscription_item_details: {
            invoice_item: null,
            proration: line.proration ?? false,
            proration_details: { credited_items: null },
            subscription: subscription.id,
            subscription_item: line.subscriptionItem,
          },
          type: 'subscription_item_details',
        },
        period: { end: line.periodEnd, start: line.periodStart },
        pretax_credit_amounts: [],
        pricing: { price_details: { price: line.price.id, product: line.price.product }, type: 'price_details', unit_amount_decimal: String(line.price.unit_amount) },
        quantity: line.quantity,
        subtotal: line.amount,
        taxes: [],
      })),
      has_more: false,
      total_count: lines.length,
      url: `/v1/invoices/${id}/lines`,
    },
    livemode: false,
    metadata: {},
    next_payment_attempt: null,
    number: null,
    on_behalf_of: null,
    parent: { quote_details: null, subscription_details: { metadata: { ...subscription.metadata }, subscription: subscription.id }, type: 'subscription_details' },
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    payments: { object: 'list', data: [], has_more: false, total_count: 0, url: `/v1/invoice_payments?invoice=${id}` },
    period_end: options.periodEnd,
    period_start: options.periodStart,
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
    subtotal: total,
    subtotal_excluding_tax: total,
    test_clock: customer.test_clock,
    total,
    total_discount_amounts: [],
    total_excluding_tax: total,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: options.created,
    _subscription: subscription.id,
  };
  emulator.store.insert(invoice);
  emulator.emit('invoice.created', invoice);
  invoice.status = 'open';
  invoice.number = `${customer.invoice_prefix}-${String(customer.next_invoice_sequence++).padStart(4, '0')}`;
  invoice.status_transitions.finalized_at = options.created;
  invoice.effective_at = options.created;
  emulator.emit('invoice.finalized', invoice);
  subscription.latest_invoice = invoice.id;
  payInvoice(emulator, invoice, { offSession: options.offSession, preAuthenticated: options.preAuthenticated });
  return invoice;
}

function markPaid(emulator: Emulator, invoice: StripeObject, paidAt: number): void {
  Object.assign(invoice, { status: 'paid', amount_paid: invoice.amount_due, amount_remaining: 0, attempted: true, next_payment_attempt: null });
  invoice.status_transitions.paid_at = paidAt;
  emulator.store.changed();
  emulator.emit('invoice.paid', invoice);
  emulator.emit('invoice.payment_succeeded', invoice);
}

/** Charges the invoice to the subscription's or the customer's default card. Returns true when paid. */
function payInvoice(emulator: Emulator, invoice: StripeObject, options: { offSession: boolean; paymentMethod?: string; preAuthenticated?: boolean }): boolean {
  const now = emulator.nowFor(invoice.customer);
  if (invoice.amount_due === 0) {
    markPaid(emulator, invoice, now);
    return true;
  }
  const subscription = invoice._subscription ? emulator.store.get(invoice._subscription) : undefined;
  const customer = emulator.store.require('customer', invoice.customer);
  const paymentMethod = options.paymentMethod ?? subscription?.default_payment_method ?? customer.invoice_settings?.default_payment_method ?? null;
  invoice.attempted = true;
  invoice.attempt_count += 1;
  if (paymentMethod) {
    const paymentIntent = buildPaymentIntent(emulator, {
      amount: invoice.amount_due,
      currency: invoice.currency,
      customer: invoice.customer,
      description:
        invoice.billing_reason === 'subscription_create'
          ? 'Subscription creation'
          : invoice.billing_reason === 'subscription_update'
            ? 'Subscription update'
            : 'Subscription update',
    });
    invoice.payments.data.unshift({
      id: newId('inpay'),
      object: 'invoice_payment',
      amount_paid: null,
      amount_requested: invoice.amount_due,
      created: now,
      currency: invoice.currency,
      invoice: invoice.id,
      is_default: true,
      livemode: false,
      payment: { payment_intent: paymentIntent.id, type: 'payment_intent' },
      status: 'open',
      status_transitions: { canceled_at: null, paid_at: null },
    });
    invoice.payments.total_count = invoice.payments.data.length;
    try {
      confirmPaymentIntent(emulator, paymentIntent, { paymentMethod, offSession: options.offSession, preAuthenticated: options.preAuthenticated });
    } catch (error) {
      if (!(error instanceof StripeApiError)) throw error;
    }
    if (paymentIntent.status === 'succeeded') {
      const payment = invoice.payments.data[0];
      Object.assign(payment, { amount_paid: invoice.amount_due, status: 'paid' });
      payment.status_transitions.paid_at = now;
      markPaid(emulator, invoice, now);
      return true;
    }
  }
  invoice.next_payment_attempt = now + 3 * 86_400;
  emulator.store.changed();
  emulator.emit('invoice.payment_failed', invoice);
  return false;
}

export function registerInvoiceRoutes(router: Router): void {
  router.get('/v1/invoices/:id', (em, req) => em.store.require('invoice', req.pathParams.id!));
  router.get('/v1/invoices/:id/lines', (em, req) => {
    assertKnownParams(req.params, [...LIST_PARAMS]);
    const invoice = em.store.require('invoice', req.pathParams.id!);
    return paginate([...invoice.lines.data], req.params, `/v1/invoices/${invoice.id}/lines`);
  });
  router.get('/v1/invoices', (em, req) => {
    assertKnownParams(req.params, [...LIST_PARAMS, 'customer', 'subscription', 'status', 'created', 'collection_method']);
    const customer = optionalString(req.params, 'customer');
    const subscription = optionalString(req.params, 'subscription');
    const status = optionalString(req.params, 'status');
    const items = em.store.list(
      'invoice',
      (i) =>
        (!customer || i.customer === customer) &&
        (!subscription || i._subscription === subscription) &&
        (!status || i.status === status) &&
        matchesCreated(i.created, req.params.created),
    );
    return paginate(items, req.params, '/v1/invoices');
  });
  router.post('/v1/invoices/:id/pay', (em, req) => {
    assertKnownParams(req.params, ['payment_method', 'off_session']);
    const invoice = em.store.require('invoice', req.pathParams.id!);
    if (invoice.status !== 'open') throw invalidRequest('Invoice is already paid', { code: 'invoice_not_editable' });
    const paid = payInvoice(em, invoice, { offSession: optionalBool(req.params, 'off_session') ?? true, paymentMethod: optionalString(req.params, 'payment_method') });
    const subscription = invoice._subscription ? em.store.get(invoice._subscription) : undefined;
    if (paid && subscription && ['past_due', 'incomplete'].includes(subscription.status)) {
      const previous = subscription.status;
      subscription.status = 'active';
      em.emit('customer.subscription.updated', subscription, { status: previous });
    }
    if (!paid) {
      const paymentIntent = em.store.get(invoice.payments.data[0]?.payment?.payment_intent ?? '');
      const error = paymentIntent?.last_payment_error;
      if (error) throw new StripeApiError(402, { error: { ...error, payment_intent: paymentIntent } });
    }
    return invoice;
  });
}
