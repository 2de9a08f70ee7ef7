import { StripeApiError, invalidRequest, parameterMissing } from '../errors.js';
import type { Emulator } from '../emulator.js';
import type { Params } from '../form.js';
import { LIST_PARAMS, matchesCreated, paginate } from '../lists.js';
import { assertKnownParams, mergeMetadata, optionalBool, optionalEnum, optionalInt, optionalString } from '../params.js';
import type { Router } from '../router.js';
import type { StripeObject } from '../store.js';
import { requireCustomer } from './customers.js';
import { lineFromInvoiceItem } from './invoice-items.js';
import { addInvoiceLines, buildInvoice, finalizeInvoice, markInvoicePaid } from './invoice-object.js';
import { payInvoice } from './invoices.js';

const CREATE_PARAMS = [
  'customer',
  'collection_method',
  'auto_advance',
  'pending_invoice_items_behavior',
  'metadata',
  'description',
  'footer',
  'currency',
  'days_until_due',
  'due_date',
];

/** `POST /v1/invoices`: a draft for one customer; pending invoice items only with `pending_invoice_items_behavior=include`. */
function createInvoice(emulator: Emulator, params: Params): StripeObject {
  assertKnownParams(params, CREATE_PARAMS);
  const customerId = optionalString(params, 'customer');
  if (!customerId) throw parameterMissing('customer');
  const customer = requireCustomer(emulator, customerId);
  const collectionMethod = optionalEnum(params, 'collection_method', ['charge_automatically', 'send_invoice'] as const) ?? 'charge_automatically';
  const behavior = optionalEnum(params, 'pending_invoice_items_behavior', ['include', 'exclude'] as const) ?? 'exclude';
  const now = emulator.nowFor(customer.id);
  const daysUntilDue = optionalInt(params, 'days_until_due');
  const dueDate = optionalInt(params, 'due_date') ?? (daysUntilDue !== undefined ? now + daysUntilDue * 86_400 : undefined);
  if (collectionMethod === 'send_invoice' && dueDate === undefined) {
    throw invalidRequest('Missing required param: days_until_due or due_date (required with collection_method=send_invoice).', { param: 'days_until_due' });
  }
  if (collectionMethod === 'charge_automatically' && dueDate !== undefined) {
    throw invalidRequest('Invoices with collection_method=charge_automatically cannot have a due date.', { param: daysUntilDue !== undefined ? 'days_until_due' : 'due_date' });
  }
  const pending = behavior === 'include' ? emulator.store.list('invoiceitem', (i) => i.customer === customer.id && i.invoice === null).reverse() : [];
  const currency = optionalString(params, 'currency')?.toLowerCase() ?? pending[0]?.currency ?? customer.currency ?? 'usd';
  const invoice = buildInvoice(emulator, customer, {
    billingReason: 'manual',
    collectionMethod,
    autoAdvance: optionalBool(params, 'auto_advance') ?? false,
    created: now,
    currency,
    description: optionalString(params, 'description'),
    footer: optionalString(params, 'footer'),
    metadata: mergeMetadata({}, params.metadata),
    parent: null,
    periodStart: now,
    periodEnd: now,
    dueDate,
  });
  const included = pending.filter((item) => item.currency === currency);
  for (const item of included) item.invoice = invoice.id;
  addInvoiceLines(invoice, included.map(lineFromInvoiceItem));
  emulator.store.insert(invoice);
  emulator.emit('invoice.created', invoice);
  return invoice;
}

function finalize(emulator: Emulator, invoice: StripeObject): StripeObject {
  if (invoice.status !== 'draft') {
    throw invalidRequest("This invoice is already finalized, you can't re-finalize a non-draft invoice.", { code: 'invoice_not_editable' });
  }
  finalizeInvoice(emulator, invoice, emulator.nowFor(invoice.customer));
  return invoice;
}

function pay(emulator: Emulator, invoice: StripeObject, params: Params): StripeObject {
  assertKnownParams(params, ['payment_method', 'off_session', 'paid_out_of_band', 'forgive']);
  if (invoice.status === 'paid') throw invalidRequest('Invoice is already paid', { code: 'invoice_not_editable' });
  if (invoice.status === 'draft') finalize(emulator, invoice);
  if (invoice.status !== 'open') throw invalidRequest(`You cannot pay an invoice with status ${invoice.status}.`, { code: 'invoice_not_editable' });
  if (optionalBool(params, 'paid_out_of_band')) {
    if (params.payment_method !== undefined) throw invalidRequest('You cannot pass `payment_method` with `paid_out_of_band`.', { param: 'payment_method' });
    markInvoicePaid(emulator, invoice, emulator.nowFor(invoice.customer), { outOfBand: true });
    return invoice;
  }
  const paid = payInvoice(emulator, invoice, { offSession: optionalBool(params, 'off_session') ?? true, paymentMethod: optionalString(params, 'payment_method') });
  const subscription = invoice._subscription ? emulator.store.get(invoice._subscription) : undefined;
  if (paid && subscription && ['past_due', 'incomplete'].includes(subscription.status)) {
    const previous = subscription.status;
    subscription.status = 'active';
    emulator.emit('customer.subscription.updated', subscription, { status: previous });
  }
  if (!paid) {
    const paymentIntent = emulator.store.get(invoice.payments.data[0]?.payment?.payment_intent ?? '');
    const error = paymentIntent?.last_payment_error;
    if (error) throw new StripeApiError(402, { error: { ...error, payment_intent: paymentIntent } });
    throw invalidRequest('The customer has no default payment method to pay this invoice with.', { code: 'invoice_no_payment_method_types' });
  }
  return invoice;
}

export function registerInvoiceRoutes(router: Router): void {
  router.post('/v1/invoices', (em, req) => createInvoice(em, req.params));
  router.get('/v1/invoices/:id', (em, req) => em.store.require('invoice', req.pathParams.id!));
  router.post('/v1/invoices/:id', (em, req) => {
    assertKnownParams(req.params, ['metadata', 'description', 'footer', 'auto_advance']);
    const invoice = em.store.require('invoice', req.pathParams.id!);
    invoice.metadata = mergeMetadata(invoice.metadata, req.params.metadata);
    if (invoice.status === 'draft') {
      if (req.params.description !== undefined) invoice.description = optionalString(req.params, 'description') ?? null;
      if (req.params.footer !== undefined) invoice.footer = optionalString(req.params, 'footer') ?? null;
    }
    invoice.auto_advance = optionalBool(req.params, 'auto_advance') ?? invoice.auto_advance;
    em.store.changed();
    em.emit('invoice.updated', invoice);
    return invoice;
  });
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
    const collectionMethod = optionalString(req.params, 'collection_method');
    const items = em.store.list(
      'invoice',
      (i) =>
        (!customer || i.customer === customer) &&
        (!subscription || i._subscription === subscription) &&
        (!status || i.status === status) &&
        (!collectionMethod || i.collection_method === collectionMethod) &&
        matchesCreated(i.created, req.params.created),
    );
    return paginate(items, req.params, '/v1/invoices');
  });
  router.post('/v1/invoices/:id/finalize', (em, req) => {
    assertKnownParams(req.params, ['auto_advance']);
    return finalize(em, em.store.require('invoice', req.pathParams.id!));
  });
  router.post('/v1/invoices/:id/pay', (em, req) => pay(em, em.store.require('invoice', req.pathParams.id!), req.params));
}
