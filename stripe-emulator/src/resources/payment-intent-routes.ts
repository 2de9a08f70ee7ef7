import { invalidRequest, parameterMissing } from '../errors.js';
import type { Emulator } from '../emulator.js';
import type { Params } from '../form.js';
import { LIST_PARAMS, matchesCreated, paginate } from '../lists.js';
import { assertKnownParams, mergeMetadata, optionalBool, optionalEnum, optionalString, requiredInt, requiredString } from '../params.js';
import type { Router } from '../router.js';
import { PAYMENT_INTENT_SEARCH_FIELDS, searchResult } from '../search.js';
import type { StripeObject } from '../store.js';
import { requireCustomer } from './customers.js';
import { resolvePaymentMethod } from './payment-methods.js';
import { buildPaymentIntent, confirmPaymentIntent } from './payment-intents.js';

const CANCELABLE = ['requires_payment_method', 'requires_capture', 'requires_confirmation', 'requires_action', 'processing'];

function createFromParams(emulator: Emulator, params: Params): StripeObject {
  assertKnownParams(params, [
    'amount',
    'currency',
    'customer',
    'payment_method',
    'confirm',
    'off_session',
    'setup_future_usage',
    'metadata',
    'return_url',
    'description',
    'automatic_payment_methods',
    'receipt_email',
    'error_on_requires_action',
    'capture_method',
    'statement_descriptor_suffix',
    'payment_method_options',
    'confirmation_method',
  ]);
  const amount = requiredInt(params, 'amount');
  const currency = requiredString(params, 'currency');
  if (amount < 50) throw invalidRequest('Amount must be at least $0.50 usd', { param: 'amount', code: 'amount_too_small' });
  const confirm = optionalBool(params, 'confirm') ?? false;
  const offSession = optionalBool(params, 'off_session');
  const returnUrl = optionalString(params, 'return_url');
  if (offSession !== undefined && !confirm) throw invalidRequest('You can only pass `off_session` when `confirm` is true.', { param: 'off_session' });
  if (returnUrl && !confirm) throw invalidRequest('You can only specify `return_url` when `confirm` is true.', { param: 'return_url' });
  const captureMethod = optionalString(params, 'capture_method');
  if (captureMethod === 'manual') throw invalidRequest('The emulator does not support capture_method=manual.', { param: 'capture_method' });
  const customer = optionalString(params, 'customer');
  if (customer) requireCustomer(emulator, customer);
  const paymentMethodParam = optionalString(params, 'payment_method');
  const paymentMethod = paymentMethodParam ? resolvePaymentMethod(emulator, paymentMethodParam).id : null;
  const paymentIntent = buildPaymentIntent(emulator, {
    amount,
    currency,
    customer,
    description: optionalString(params, 'description'),
    metadata: params.metadata,
    setupFutureUsage: optionalEnum(params, 'setup_future_usage', ['on_session', 'off_session']),
    paymentMethod,
    receiptEmail: optionalString(params, 'receipt_email'),
  });
  if (params.automatic_payment_methods?.allow_redirects) paymentIntent.automatic_payment_methods.allow_redirects = params.automatic_payment_methods.allow_redirects;
  if (!confirm) return paymentIntent;
  if (!paymentMethod) throw parameterMissing('payment_method');
  return confirmPaymentIntent(emulator, paymentIntent, {
    offSession: offSession ?? false,
    returnUrl,
    errorOnRequiresAction: optionalBool(params, 'error_on_requires_action') ?? false,
  });
}

export function registerPaymentIntentRoutes(router: Router): void {
  router.post('/v1/payment_intents', (em, req) => createFromParams(em, req.params));
  // before `/:id`, which would otherwise take `search` for an id
  router.get('/v1/payment_intents/search', (em, req) =>
    searchResult(em.store.list('payment_intent'), req.params, {
      url: '/v1/payment_intents/search',
      resource: 'payment_intents',
      fields: PAYMENT_INTENT_SEARCH_FIELDS,
    }),
  );
  router.get('/v1/payment_intents/:id', (em, req) => em.store.require('payment_intent', req.pathParams.id!));
  router.post('/v1/payment_intents/:id', (em, req) => {
    assertKnownParams(req.params, ['amount', 'currency', 'customer', 'description', 'metadata', 'payment_method', 'setup_future_usage', 'receipt_email']);
    const paymentIntent = em.store.require('payment_intent', req.pathParams.id!);
    const p = req.params;
    if (p.amount !== undefined) paymentIntent.amount = requiredInt(p, 'amount');
    if (p.currency !== undefined) paymentIntent.currency = requiredString(p, 'currency');
    if (p.customer !== undefined) paymentIntent.customer = optionalString(p, 'customer') ?? null;
    if (p.description !== undefined) paymentIntent.description = optionalString(p, 'description') ?? null;
    if (p.setup_future_usage !== undefined) paymentIntent.setup_future_usage = optionalString(p, 'setup_future_usage') ?? null;
    if (p.payment_method !== undefined) {
      const id = optionalString(p, 'payment_method');
      paymentIntent.payment_method = id ? resolvePaymentMethod(em, id).id : null;
      if (paymentIntent.status === 'requires_payment_method' && id) paymentIntent.status = 'requires_confirmation';
    }
    paymentIntent.metadata = mergeMetadata(paymentIntent.metadata, p.metadata);
    em.store.changed();
    return paymentIntent;
  });
  router.post('/v1/payment_intents/:id/confirm', (em, req) => {
    assertKnownParams(req.params, ['payment_method', 'return_url', 'off_session', 'error_on_requires_action', 'setup_future_usage', 'payment_method_options', 'receipt_email']);
    const paymentIntent = em.store.require('payment_intent', req.pathParams.id!);
    const setupFutureUsage = optionalString(req.params, 'setup_future_usage');
    if (setupFutureUsage) paymentIntent.setup_future_usage = setupFutureUsage;
    return confirmPaymentIntent(em, paymentIntent, {
      paymentMethod: optionalString(req.params, 'payment_method'),
      returnUrl: optionalString(req.params, 'return_url'),
      offSession: optionalBool(req.params, 'off_session'),
      errorOnRequiresAction: optionalBool(req.params, 'error_on_requires_action'),
    });
  });
  router.post('/v1/payment_intents/:id/cancel', (em, req) => {
    assertKnownParams(req.params, ['cancellation_reason']);
    const paymentIntent = em.store.require('payment_intent', req.pathParams.id!);
    if (!CANCELABLE.includes(paymentIntent.status)) {
      throw invalidRequest(
        `You cannot cancel this PaymentIntent because it has a status of ${paymentIntent.status}. Only a PaymentIntent with one of the following statuses may be canceled: requires_payment_method, requires_capture, requires_reauthentication, requires_confirmation, requires_action, processing.`,
        { code: 'payment_intent_unexpected_state' },
      );
    }
    Object.assign(paymentIntent, {
      status: 'canceled',
      canceled_at: em.nowFor(paymentIntent.customer),
      cancellation_reason: optionalString(req.params, 'cancellation_reason') ?? null,
      next_action: null,
    });
    em.store.changed();
    em.emit('payment_intent.canceled', paymentIntent);
    return paymentIntent;
  });
  router.get('/v1/payment_intents', (em, req) => {
    assertKnownParams(req.params, [...LIST_PARAMS, 'customer', 'created']);
    const customer = optionalString(req.params, 'customer');
    const items = em.store.list('payment_intent', (pi) => (!customer || pi.customer === customer) && matchesCreated(pi.created, req.params.created));
    return paginate(items, req.params, '/v1/payment_intents');
  });
}
