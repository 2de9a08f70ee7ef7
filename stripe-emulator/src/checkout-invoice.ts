import type { Emulator } from './emulator.js';
import { invalidRequest } from './errors.js';
import type { Params } from './form.js';
import { assertKnownNested, mergeMetadata, optionalBool, optionalString } from './params.js';
import { addInvoiceLines, addInvoicePayment, buildInvoice, finalizeInvoice, markInvoicePaid } from './resources/invoice-object.js';
import type { StripeObject } from './store.js';

const INVOICE_DATA_KEYS = ['account_tax_ids', 'custom_fields', 'description', 'footer', 'issuer', 'metadata', 'rendering_options'];

/** `invoice_creation` of a Checkout Session as Stripe returns it (payment mode only; `null` in the others). */
export function parseInvoiceCreation(params: Params, mode: string): StripeObject | null {
  if (params.invoice_creation !== undefined && mode !== 'payment') {
    throw invalidRequest('`invoice_creation` can only be used in `payment` mode.', { param: 'invoice_creation' });
  }
  if (mode !== 'payment') return null;
  const input: Params = typeof params.invoice_creation === 'object' && params.invoice_creation !== null ? params.invoice_creation : {};
  assertKnownNested(params, 'invoice_creation', ['enabled', 'invoice_data']);
  assertKnownNested(input, 'invoice_data', INVOICE_DATA_KEYS);
  const data: Params = input.invoice_data ?? {};
  const enabled = optionalBool(input, 'enabled');
  if (params.invoice_creation !== undefined && enabled === undefined) {
    throw invalidRequest('Missing required param: invoice_creation[enabled].', { param: 'invoice_creation[enabled]', code: 'parameter_missing' });
  }
  return {
    enabled: enabled ?? false,
    invoice_data: {
      account_tax_ids: null,
      custom_fields: null,
      description: optionalString(data, 'description') ?? null,
      footer: optionalString(data, 'footer') ?? null,
      issuer: null,
      metadata: mergeMetadata({}, data.metadata),
      rendering_options: null,
    },
  };
}

/**
 * After a paid payment-mode session with `invoice_creation.enabled`: a post-payment invoice for its line
 * items — created, finalized and paid by the session's PaymentIntent (`invoice.created`, `invoice.finalized`,
 * `invoice.paid`, `invoice.payment_succeeded`); the session's `invoice` names it.
 */
export function createCheckoutInvoice(emulator: Emulator, session: StripeObject): StripeObject | null {
  if (session.mode !== 'payment' || !session.invoice_creation?.enabled || !session.customer) return null;
  const customer = emulator.store.require('customer', session.customer);
  const now = emulator.nowFor(customer.id);
  const data = session.invoice_creation.invoice_data;
  const invoice = buildInvoice(emulator, customer, {
    billingReason: 'manual',
    collectionMethod: 'charge_automatically',
    autoAdvance: false,
    created: now,
    currency: session.currency,
    description: data.description,
    footer: data.footer,
    metadata: data.metadata,
    parent: null,
    periodStart: now,
    periodEnd: now,
  });
  addInvoiceLines(
    invoice,
    session._line_items.map((item: StripeObject) => ({
      amount: item.amount_total,
      description: item.description ?? 'Item',
      quantity: item.quantity,
      period: { start: now, end: now },
      parent: null,
      pricing: { price_details: { price: item.price.id, product: item.price.product }, type: 'price_details', unit_amount_decimal: String(item.price.unit_amount) },
    })),
  );
  emulator.store.insert(invoice);
  emulator.emit('invoice.created', invoice);
  finalizeInvoice(emulator, invoice, now);
  if (invoice.status === 'open') {
    addInvoicePayment(invoice, session.payment_intent, now, true);
    markInvoicePaid(emulator, invoice, now, { outOfBand: false });
  }
  session.invoice = invoice.id;
  return invoice;
}
