import { invalidRequest, parameterMissing } from '../errors.js';
import type { Emulator } from '../emulator.js';
import type { Params } from '../form.js';
import { newId } from '../ids.js';
import { LIST_PARAMS, matchesCreated, paginate } from '../lists.js';
import { assertKnownNested, assertKnownParams, mergeMetadata, optionalBool, optionalInt, optionalString, requiredInt } from '../params.js';
import type { Router } from '../router.js';
import type { StripeObject } from '../store.js';
import { requireCustomer } from './customers.js';
import { addInvoiceLines, type LineInput } from './invoice-object.js';

const CREATE_PARAMS = ['customer', 'amount', 'currency', 'description', 'metadata', 'invoice', 'period', 'discountable'];

/** The line an invoice item becomes on its invoice (`parent.invoice_item_details`). */
export function lineFromInvoiceItem(item: StripeObject): LineInput {
  return {
    amount: item.amount,
    description: item.description ?? 'Invoice item',
    quantity: item.quantity,
    metadata: item.metadata,
    period: item.period,
    parent: {
      invoice_item_details: { invoice_item: item.id, proration: false, proration_details: { credited_items: null }, subscription: null },
      subscription_item_details: null,
      type: 'invoice_item_details',
    },
    pricing: item.pricing,
  };
}

/** A draft invoice of this customer that items can still be added to. */
function requireDraftInvoice(emulator: Emulator, id: string, customerId: string, param = 'invoice'): StripeObject {
  const invoice = emulator.store.require('invoice', id, param);
  if (invoice.customer !== customerId) throw invalidRequest(`The invoice ${id} does not belong to the customer ${customerId}.`, { param });
  if (invoice.status !== 'draft') {
    throw invalidRequest(`You can only add invoice items to draft invoices. The invoice ${id} is ${invoice.status}.`, { param, code: 'invoice_not_editable' });
  }
  return invoice;
}

function createInvoiceItem(emulator: Emulator, params: Params): StripeObject {
  assertKnownParams(params, CREATE_PARAMS);
  assertKnownNested(params, 'period', ['start', 'end']);
  const customerId = optionalString(params, 'customer');
  if (!customerId) throw parameterMissing('customer');
  const customer = requireCustomer(emulator, customerId);
  const amount = requiredInt(params, 'amount');
  const currency = optionalString(params, 'currency')?.toLowerCase();
  if (!currency) throw parameterMissing('currency');
  const invoiceId = optionalString(params, 'invoice');
  const invoice = invoiceId ? requireDraftInvoice(emulator, invoiceId, customer.id) : undefined;
  if (invoice && invoice.currency !== currency) {
    throw invalidRequest(`The currency of this invoice item (${currency}) does not match the invoice's (${invoice.currency}).`, { param: 'currency' });
  }
  const now = emulator.nowFor(customer.id);
  const period = params.period
    ? { start: optionalInt(params.period, 'start', 'period[start]') ?? now, end: optionalInt(params.period, 'end', 'period[end]') ?? now }
    : { start: now, end: now };
  const item: StripeObject = {
    id: newId('ii'),
    object: 'invoiceitem',
    amount,
    currency,
    customer: customer.id,
    customer_account: null,
    date: now,
    description: optionalString(params, 'description') ?? null,
    discountable: optionalBool(params, 'discountable') ?? true,
    discounts: [],
    invoice: invoice?.id ?? null,
    livemode: false,
    metadata: mergeMetadata({}, params.metadata),
    net_amount: amount,
    parent: null,
    period,
    pricing: null,
    proration: false,
    quantity: 1,
    quantity_decimal: '1',
    tax_rates: [],
    test_clock: customer.test_clock,
  };
  emulator.store.insert(item);
  if (invoice) {
    addInvoiceLines(invoice, [lineFromInvoiceItem(item)]);
    emulator.store.changed();
  }
  emulator.emit('invoiceitem.created', item);
  return item;
}

function deleteInvoiceItem(emulator: Emulator, item: StripeObject): StripeObject {
  const invoice = item.invoice ? emulator.store.get(item.invoice) : undefined;
  if (invoice && invoice.status !== 'draft') {
    throw invalidRequest('Invoice items attached to a finalized invoice cannot be deleted.', { code: 'invoice_not_editable' });
  }
  if (invoice) {
    invoice.lines.data = invoice.lines.data.filter((line: StripeObject) => line.parent?.invoice_item_details?.invoice_item !== item.id);
    addInvoiceLines(invoice, []);
  }
  emulator.emit('invoiceitem.deleted', item);
  emulator.store.remove(item.id);
  return { id: item.id, object: 'invoiceitem', deleted: true };
}

export function registerInvoiceItemRoutes(router: Router): void {
  router.post('/v1/invoiceitems', (em, req) => createInvoiceItem(em, req.params));
  router.get('/v1/invoiceitems/:id', (em, req) => em.store.require('invoiceitem', req.pathParams.id!));
  router.post('/v1/invoiceitems/:id', (em, req) => {
    assertKnownParams(req.params, ['metadata', 'description']);
    const item = em.store.require('invoiceitem', req.pathParams.id!);
    item.metadata = mergeMetadata(item.metadata, req.params.metadata);
    if (req.params.description !== undefined) item.description = optionalString(req.params, 'description') ?? null;
    em.store.changed();
    em.emit('invoiceitem.updated', item);
    return item;
  });
  router.delete('/v1/invoiceitems/:id', (em, req) => deleteInvoiceItem(em, em.store.require('invoiceitem', req.pathParams.id!)));
  router.get('/v1/invoiceitems', (em, req) => {
    assertKnownParams(req.params, [...LIST_PARAMS, 'customer', 'invoice', 'pending', 'created']);
    const customer = optionalString(req.params, 'customer');
    const invoice = optionalString(req.params, 'invoice');
    const pending = optionalBool(req.params, 'pending');
    const items = em.store.list(
      'invoiceitem',
      (i) =>
        (!customer || i.customer === customer) &&
        (!invoice || i.invoice === invoice) &&
        (pending === undefined || (i.invoice === null) === pending) &&
        matchesCreated(i.date, req.params.created),
    );
    return paginate(items, req.params, '/v1/invoiceitems');
  });
}
