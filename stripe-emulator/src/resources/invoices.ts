import { StripeApiError } from '../errors.js';
import type { Emulator } from '../emulator.js';
import { addInvoiceLines, addInvoicePayment, buildInvoice, finalizeInvoice, markInvoicePaid } from './invoice-object.js';
import { formatMoney } from '../billing-periods.js';
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
  const invoice = buildInvoice(emulator, customer, {
    billingReason,
    collectionMethod: 'charge_automatically',
    autoAdvance: true,
    created: options.created,
    currency: subscription.currency,
    parent: { quote_details: null, subscription_details: { metadata: { ...subscription.metadata }, subscription: subscription.id }, type: 'subscription_details' },
    periodStart: options.periodStart,
    periodEnd: options.periodEnd,
  });
  invoice._subscription = subscription.id;
  addInvoiceLines(
    invoice,
    lines.map((line) => ({
      amount: line.amount,
      description: lineDescription(emulator, line),
      quantity: line.quantity,
      period: { end: line.periodEnd, start: line.periodStart },
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
      pricing: { price_details: { price: line.price.id, product: line.price.product }, type: 'price_details', unit_amount_decimal: String(line.price.unit_amount) },
    })),
  );
  emulator.store.insert(invoice);
  emulator.emit('invoice.created', invoice);
  subscription.latest_invoice = invoice.id;
  finalizeInvoice(emulator, invoice, options.created);
  if (invoice.status === 'open') payInvoice(emulator, invoice, { offSession: options.offSession, preAuthenticated: options.preAuthenticated });
  return invoice;
}

/** Charges the invoice to the subscription's or the customer's default card. Returns true when paid. */
export function payInvoice(emulator: Emulator, invoice: StripeObject, options: { offSession: boolean; paymentMethod?: string; preAuthenticated?: boolean }): boolean {
  const now = emulator.nowFor(invoice.customer);
  if (invoice.amount_due === 0) {
    markInvoicePaid(emulator, invoice, now, { outOfBand: false });
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
            : invoice._subscription
              ? 'Subscription update'
              : 'Payment for Invoice',
    });
    addInvoicePayment(invoice, paymentIntent.id, now, false);
    try {
      confirmPaymentIntent(emulator, paymentIntent, { paymentMethod, offSession: options.offSession, preAuthenticated: options.preAuthenticated });
    } catch (error) {
      if (!(error instanceof StripeApiError)) throw error;
    }
    if (paymentIntent.status === 'succeeded') {
      const payment = invoice.payments.data[0];
      Object.assign(payment, { amount_paid: invoice.amount_due, status: 'paid' });
      payment.status_transitions.paid_at = now;
      markInvoicePaid(emulator, invoice, now, { outOfBand: false });
      return true;
    }
  }
  invoice.next_payment_attempt = now + 3 * 86_400;
  emulator.store.changed();
  emulator.emit('invoice.payment_failed', invoice);
  return false;
}
