import type Stripe from 'stripe';
import { invalidRequest } from '../errors.js';
import type { Emulator } from '../emulator.js';
import { updateWithEvent } from '../events.js';
import { newId, randomToken } from '../ids.js';
import { LIST_PARAMS, matchesCreated, paginate } from '../lists.js';
import { assertKnownNested, assertKnownParams, mergeMetadata, optionalString } from '../params.js';
import type { Router } from '../router.js';
import type { StripeObject } from '../store.js';
import type { Params } from '../form.js';
import { attachPaymentMethod, resolvePaymentMethod } from './payment-methods.js';
import { insertTaxId, validateTaxId } from './tax-ids.js';

const WRITABLE = ['email', 'name', 'description', 'phone', 'metadata', 'invoice_settings', 'address', 'shipping', 'preferred_locales'];

export function requireCustomer(emulator: Emulator, id: string, param = 'customer'): StripeObject {
  const customer = emulator.store.require('customer', id, param);
  if (customer.deleted) throw invalidRequest(`No such customer: '${id}'`, { param, code: 'resource_missing', status: 404 });
  return customer;
}

function nullableString(params: Params, key: string, current: unknown): unknown {
  if (!(key in params)) return current;
  return params[key] === '' ? null : String(params[key]);
}

function setDefaultPaymentMethod(emulator: Emulator, customer: StripeObject, id: string | null): void {
  if (id !== null) {
    const paymentMethod = emulator.store.get(id);
    if (!paymentMethod || paymentMethod.object !== 'payment_method' || paymentMethod.customer !== customer.id) {
      throw invalidRequest(`The customer does not have a payment method with the ID ${id}. The payment method must be attached to the customer.`, {
        param: 'invoice_settings[default_payment_method]',
        code: 'resource_missing',
      });
    }
  }
  customer.invoice_settings = { ...customer.invoice_settings, default_payment_method: id };
}

const ADDRESS_KEYS = ['city', 'country', 'line1', 'line2', 'postal_code', 'state'];

/** An address as Stripe returns it: every key present, unset ones null. */
function normalizeAddress(params: Params, key: string): StripeObject {
  assertKnownNested(params, key, ADDRESS_KEYS);
  const value = params[key];
  if (typeof value !== 'object' || value === null) throw invalidRequest(`Invalid object: ${key}`, { param: key });
  return Object.fromEntries(ADDRESS_KEYS.map((k) => [k, value[k] === undefined || value[k] === '' ? null : String(value[k])]));
}

function applyCustomerParams(emulator: Emulator, customer: StripeObject, params: Params): void {
  for (const key of ['email', 'name', 'description', 'phone']) customer[key] = nullableString(params, key, customer[key]);
  if (params.address !== undefined) customer.address = params.address === '' ? null : normalizeAddress(params, 'address');
  if (params.shipping !== undefined) customer.shipping = params.shipping === '' ? null : params.shipping;
  if (Array.isArray(params.preferred_locales)) customer.preferred_locales = params.preferred_locales;
  customer.metadata = mergeMetadata(customer.metadata, params.metadata);
  assertKnownNested(params, 'invoice_settings', ['default_payment_method', 'custom_fields', 'footer', 'rendering_options']);
  const defaultPaymentMethod = params.invoice_settings?.default_payment_method;
  if (defaultPaymentMethod !== undefined) {
    setDefaultPaymentMethod(emulator, customer, defaultPaymentMethod === '' ? null : String(defaultPaymentMethod));
  }
}

export function createCustomer(emulator: Emulator, params: Params): StripeObject {
  assertKnownParams(params, [...WRITABLE, 'payment_method', 'test_clock', 'tax_id_data']);
  if (params.tax_id_data !== undefined && !Array.isArray(params.tax_id_data)) throw invalidRequest('Invalid array', { param: 'tax_id_data' });
  const taxIds = ((params.tax_id_data ?? []) as Params[]).map((data, i) => validateTaxId(data, (name) => `tax_id_data[${i}][${name}]`));
  const testClock = optionalString(params, 'test_clock');
  if (testClock) emulator.store.require('test_helpers.test_clock', testClock, 'test_clock');
  const customer: StripeObject = {
    id: newId('cus', 14),
    object: 'customer',
    address: null,
    balance: 0,
    created: testClock ? emulator.store.get(testClock)!.frozen_time : Math.floor(Date.now() / 1000),
    currency: null,
    default_source: null,
    delinquent: false,
    description: null,
    discount: null,
    email: null,
    invoice_prefix: randomToken(8).toUpperCase(),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: {},
    name: null,
    next_invoice_sequence: 1,
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: testClock ?? null,
  } satisfies Stripe.Customer;
  const { invoice_settings: invoiceSettings, tax_id_data: _taxIdData, ...rest } = params;
  applyCustomerParams(emulator, customer, rest);
  emulator.store.insert(customer);
  emulator.emit('customer.created', customer);
  for (const taxId of taxIds) insertTaxId(emulator, customer, taxId);
  const paymentMethodId = optionalString(params, 'payment_method');
  if (paymentMethodId) attachPaymentMethod(emulator, resolvePaymentMethod(emulator, paymentMethodId, 'payment_method'), customer.id);
  if (invoiceSettings !== undefined) updateCustomer(emulator, customer, { invoice_settings: invoiceSettings });
  return customer;
}

export function updateCustomer(emulator: Emulator, customer: StripeObject, params: Params): StripeObject {
  assertKnownParams(params, WRITABLE);
  updateWithEvent(emulator, 'customer.updated', customer, (c) => applyCustomerParams(emulator, c, params));
  return customer;
}

export function registerCustomerRoutes(router: Router): void {
  router.post('/v1/customers', (em, req) => createCustomer(em, req.params));
  router.get('/v1/customers/:id', (em, req) => {
    const customer = em.store.require('customer', req.pathParams.id!);
    return customer.deleted ? { id: customer.id, object: 'customer', deleted: true } : customer;
  });
  router.post('/v1/customers/:id', (em, req) => updateCustomer(em, requireCustomer(em, req.pathParams.id!, 'id'), req.params));
  router.delete('/v1/customers/:id', (em, req) => {
    const customer = requireCustomer(em, req.pathParams.id!, 'id');
    for (const subscription of em.store.list('subscription', (s) => s.customer === customer.id && s.status !== 'canceled')) {
      subscription.status = 'canceled';
      subscription.canceled_at = Math.floor(Date.now() / 1000);
      subscription.ended_at = subscription.canceled_at;
      em.emit('customer.subscription.deleted', subscription);
    }
    em.emit('customer.deleted', customer);
    const tombstone = { id: customer.id, object: 'customer', deleted: true, _seq: customer._seq };
    em.store.remove(customer.id);
    em.store.insert(tombstone);
    return { id: customer.id, object: 'customer', deleted: true };
  });
  router.get('/v1/customers', (em, req) => {
    assertKnownParams(req.params, [...LIST_PARAMS, 'email', 'created', 'test_clock']);
    const email = optionalString(req.params, 'email');
    const testClock = optionalString(req.params, 'test_clock');
    const items = em.store.list(
      'customer',
      (c) => !c.deleted && (!email || c.email === email) && (!testClock || c.test_clock === testClock) && matchesCreated(c.created, req.params.created),
    );
    return paginate(items, req.params, '/v1/customers');
  });
  router.get('/v1/customers/:id/payment_methods', (em, req) => {
    assertKnownParams(req.params, [...LIST_PARAMS, 'type', 'allow_redisplay']);
    const customer = requireCustomer(em, req.pathParams.id!, 'customer');
    const type = optionalString(req.params, 'type');
    const items = em.store.list('payment_method', (pm) => pm.customer === customer.id && (!type || pm.type === type));
    return paginate(items, req.params, `/v1/customers/${customer.id}/payment_methods`);
  });
}
