import { invalidRequest, parameterMissing } from '../errors.js';
import type { Emulator } from '../emulator.js';
import type { Params } from '../form.js';
import { newId, nowSeconds, randomToken } from '../ids.js';
import { registerComputedField } from '../expand.js';
import { LIST_PARAMS, paginate } from '../lists.js';
import { assertKnownNested, assertKnownParams, mergeMetadata, optionalEnum, optionalInt, optionalString } from '../params.js';
import type { Router } from '../router.js';
import { render, type StripeObject } from '../store.js';
import { requireCustomer } from './customers.js';
import { createPrice } from './products-prices.js';
import { parseInvoiceCreation } from '../checkout-invoice.js';

const CREATE_PARAMS = [
  'mode',
  'line_items',
  'customer',
  'customer_email',
  'success_url',
  'cancel_url',
  'metadata',
  'client_reference_id',
  'payment_intent_data',
  'setup_intent_data',
  'subscription_data',
  'currency',
  'expires_at',
  'customer_creation',
  'allow_promotion_codes',
  'billing_address_collection',
  'locale',
  'ui_mode',
  'submit_type',
  'payment_method_collection',
  'saved_payment_method_options',
  'invoice_creation',
  'automatic_tax',
  'allowed_payment_method_types',
];

function buildLineItems(emulator: Emulator, params: Params, mode: string): StripeObject[] {
  if (params.line_items === undefined) return [];
  if (!Array.isArray(params.line_items)) throw invalidRequest('Invalid array', { param: 'line_items' });
  return params.line_items.map((line: Params, i: number) => {
    const quantity = optionalInt(line, 'quantity', `line_items[${i}][quantity]`) ?? 1;
    let price: StripeObject;
    if (typeof line.price === 'string' && line.price) {
      price = emulator.store.require('price', line.price, `line_items[${i}][price]`);
    } else if (typeof line.price_data === 'object') {
      price = createPrice(emulator, line.price_data, { inline: true });
    } else {
      throw invalidRequest(`You must specify either \`price\` or \`price_data\` in line_items[${i}].`, { param: `line_items[${i}]` });
    }
    if (mode === 'payment' && price.recurring) {
      throw invalidRequest('You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.', {
        param: `line_items[${i}]`,
      });
    }
    if (mode === 'subscription' && !price.recurring) {
      throw invalidRequest('You must specify at least one recurring price in `subscription` mode when using prices.', { param: `line_items[${i}]` });
    }
    const product = emulator.store.get(price.product);
    const amount = price.unit_amount * quantity;
    return {
      id: newId('li'),
      object: 'item',
      adjustable_quantity: null,
      amount_discount: 0,
      amount_subtotal: amount,
      amount_tax: 0,
      amount_total: amount,
      currency: price.currency,
      description: product?.name ?? null,
      metadata: {},
      price: render(price),
      quantity,
    };
  });
}

function createCheckoutSession(emulator: Emulator, params: Params): StripeObject {
  assertKnownParams(params, CREATE_PARAMS);
  const mode = optionalEnum(params, 'mode', ['payment', 'setup', 'subscription']);
  if (!mode) throw parameterMissing('mode');
  const customerId = optionalString(params, 'customer');
  if (customerId) requireCustomer(emulator, customerId);
  assertKnownNested(params, 'payment_intent_data', ['metadata', 'setup_future_usage', 'description', 'receipt_email', 'capture_method', 'statement_descriptor_suffix']);
  assertKnownNested(params, 'setup_intent_data', ['metadata', 'description']);
  assertKnownNested(params, 'subscription_data', ['metadata', 'description', 'trial_period_days', 'proration_behavior']);
  if (params.payment_intent_data && mode !== 'payment') throw invalidRequest('You can not pass `payment_intent_data` in `' + mode + '` mode.', { param: 'payment_intent_data' });
  const lineItems = buildLineItems(emulator, params, mode);
  if (mode !== 'setup' && lineItems.length === 0) throw invalidRequest(`You must provide at least one line item in \`${mode}\` mode.`, { param: 'line_items' });
  const currency = optionalString(params, 'currency')?.toLowerCase() ?? lineItems[0]?.currency ?? null;
  if (mode === 'setup' && !currency) throw invalidRequest('Missing required param: currency.', { param: 'currency', code: 'parameter_missing' });
  const now = nowSeconds();
  const expiresAt = optionalInt(params, 'expires_at') ?? now + 24 * 3600;
  if (expiresAt <= now) throw invalidRequest('The `expires_at` timestamp must be in the future.', { param: 'expires_at' });
  const total = lineItems.reduce((sum, item) => sum + item.amount_total, 0);
  const id = `cs_test_${randomToken(58)}`;
  const session: StripeObject = {
    id,
    object: 'checkout.session',
    adaptive_pricing: { enabled: false },
    after_expiration: null,
    allow_promotion_codes: null,
    allowed_payment_method_types: null,
    amount_subtotal: mode === 'setup' ? null : total,
    amount_total: mode === 'setup' ? null : total,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: null,
    cancel_url: optionalString(params, 'cancel_url') ?? null,
    client_reference_id: optionalString(params, 'client_reference_id') ?? null,
    client_secret: null,
    collected_information: null,
    consent: null,
    consent_collection: null,
    created: now,
    currency,
    currency_conversion: null,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer: customerId ?? null,
    customer_account: null,
    customer_creation: customerId ? null : mode === 'payment' ? 'if_required' : 'always',
    customer_details: null,
    customer_email: optionalString(params, 'customer_email') ?? null,
    discounts: [],
    expires_at: expiresAt,
    integration_identifier: null,
    invoice: null,
    invoice_creation: parseInvoiceCreation(params, mode),
    livemode: false,
    locale: optionalString(params, 'locale') ?? null,
    metadata: mergeMetadata({}, params.metadata),
    mode,
    origin_context: null,
    payment_intent: null,
    payment_link: null,
    payment_method_collection: 'always',
    payment_method_configuration_details: null,
    payment_method_options: { card: { request_three_d_secure: 'automatic' } },
    payment_method_types: ['card'],
    payment_status: mode === 'setup' ? 'no_payment_required' : 'unpaid',
    permissions: null,
    phone_number_collection: { enabled: false },
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: 'open',
    submit_type: null,
    subscription: null,
    success_url: optionalString(params, 'success_url') ?? null,
    total_details: mode === 'setup' ? null : { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: 'hosted',
    url: `${emulator.publicUrl}/c/pay/${id}`,
    wallet_options: null,
    _line_items: lineItems,
    _payment_intent_data: params.payment_intent_data ?? {},
    _setup_intent_data: params.setup_intent_data ?? {},
    _subscription_data: params.subscription_data ?? {},
  };
  return emulator.store.insert(session);
}

function expireCheckoutSession(emulator: Emulator, session: StripeObject): StripeObject {
  if (session.status !== 'open') {
    throw invalidRequest(`Only Checkout Sessions with a status in ["open"] can be expired.`, { code: 'checkout_session_not_open' });
  }
  session.status = 'expired';
  session.url = null;
  const paymentIntent = session.payment_intent ? emulator.store.get(session.payment_intent) : undefined;
  if (paymentIntent && !['succeeded', 'canceled'].includes(paymentIntent.status)) {
    Object.assign(paymentIntent, { status: 'canceled', canceled_at: nowSeconds(), cancellation_reason: 'abandoned', next_action: null });
    emulator.emit('payment_intent.canceled', paymentIntent);
  }
  emulator.store.changed();
  emulator.emit('checkout.session.expired', session);
  return session;
}

/** Open sessions past `expires_at` expire with a `checkout.session.expired` event. */
export function expireDueCheckoutSessions(emulator: Emulator): void {
  const now = nowSeconds();
  for (const session of emulator.store.list('checkout.session', (s) => s.status === 'open' && s.expires_at <= now)) {
    emulator.withRequest({ id: null, idempotency_key: null }, () => expireCheckoutSession(emulator, session));
  }
}

registerComputedField('checkout.session', 'line_items', (emulator, holder) => {
  const session = emulator.store.get(holder.id);
  const items = session?._line_items ?? [];
  return { object: 'list', data: render(items), has_more: false, url: `/v1/checkout/sessions/${holder.id}/line_items` };
});

export function registerCheckoutRoutes(router: Router): void {
  router.post('/v1/checkout/sessions', (em, req) => createCheckoutSession(em, req.params));
  router.get('/v1/checkout/sessions/:id', (em, req) => em.store.require('checkout.session', req.pathParams.id!, 'session'));
  router.post('/v1/checkout/sessions/:id', (em, req) => {
    assertKnownParams(req.params, ['metadata']);
    const session = em.store.require('checkout.session', req.pathParams.id!, 'session');
    session.metadata = mergeMetadata(session.metadata, req.params.metadata);
    em.store.changed();
    return session;
  });
  router.post('/v1/checkout/sessions/:id/expire', (em, req) => {
    assertKnownParams(req.params, []);
    return expireCheckoutSession(em, em.store.require('checkout.session', req.pathParams.id!, 'session'));
  });
  router.get('/v1/checkout/sessions/:id/line_items', (em, req) => {
    assertKnownParams(req.params, [...LIST_PARAMS]);
    const session = em.store.require('checkout.session', req.pathParams.id!, 'session');
    return paginate([...session._line_items], req.params, `/v1/checkout/sessions/${session.id}/line_items`);
  });
  router.get('/v1/checkout/sessions', (em, req) => {
    assertKnownParams(req.params, [...LIST_PARAMS, 'customer', 'payment_intent', 'subscription', 'status', 'created']);
    const filters = ['customer', 'payment_intent', 'subscription', 'status'].map((key) => [key, optionalString(req.params, key)] as const);
    const items = em.store.list('checkout.session', (s) => filters.every(([key, value]) => !value || s[key] === value));
    return paginate(items, req.params, '/v1/checkout/sessions');
  });
}
