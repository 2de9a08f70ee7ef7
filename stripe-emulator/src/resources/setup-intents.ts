import type Stripe from 'stripe';
import { decideSetup, type Decline } from '../cards.js';
import { docUrl, invalidRequest } from '../errors.js';
import type { Emulator } from '../emulator.js';
import type { Params } from '../form.js';
import { newClientSecret, newId } from '../ids.js';
import { LIST_PARAMS, paginate } from '../lists.js';
import { assertKnownParams, mergeMetadata, optionalBool, optionalEnum, optionalString } from '../params.js';
import type { Router } from '../router.js';
import { render, type StripeObject } from '../store.js';
import { requireCustomer } from './customers.js';
import { attachPaymentMethod, cardError, cardOf, resolvePaymentMethod } from './payment-methods.js';

export interface SetupIntentInput {
  customer?: string | null;
  description?: string | null;
  metadata?: unknown;
  usage?: 'on_session' | 'off_session';
  paymentMethod?: string | null;
}

export function buildSetupIntent(emulator: Emulator, input: SetupIntentInput): StripeObject {
  const id = newId('seti');
  const setupIntent: StripeObject = {
    id,
    object: 'setup_intent',
    allowed_payment_method_types: null,
    application: null,
    automatic_payment_methods: { allow_redirects: 'always', enabled: true },
    cancellation_reason: null,
    client_secret: newClientSecret(id),
    created: emulator.nowFor(input.customer),
    customer: input.customer ?? null,
    customer_account: null,
    description: input.description ?? null,
    excluded_payment_method_types: null,
    flow_directions: null,
    last_setup_error: null,
    latest_attempt: null,
    livemode: false,
    mandate: null,
    metadata: mergeMetadata({}, input.metadata),
    next_action: null,
    on_behalf_of: null,
    payment_method: input.paymentMethod ?? null,
    payment_method_configuration_details: null,
    payment_method_options: { card: { mandate_options: null, network: null, request_three_d_secure: 'automatic' } },
    payment_method_types: ['card'],
    single_use_mandate: null,
    status: input.paymentMethod ? 'requires_confirmation' : 'requires_payment_method',
    usage: input.usage ?? 'off_session',
  } satisfies Stripe.SetupIntent;
  emulator.store.insert(setupIntent);
  emulator.emit('setup_intent.created', setupIntent);
  return setupIntent;
}

function succeed(emulator: Emulator, setupIntent: StripeObject, paymentMethod: StripeObject): void {
  if (setupIntent.customer) attachPaymentMethod(emulator, paymentMethod, setupIntent.customer);
  if (setupIntent.usage === 'off_session') paymentMethod._set_up_off_session = true;
  Object.assign(setupIntent, { status: 'succeeded', next_action: null, last_setup_error: null });
  emulator.store.changed();
  emulator.emit('setup_intent.succeeded', setupIntent);
}

function fail(emulator: Emulator, setupIntent: StripeObject, paymentMethod: StripeObject, error: StripeObject): void {
  Object.assign(setupIntent, {
    status: 'requires_payment_method',
    next_action: null,
    payment_method: null,
    last_setup_error: { ...error, doc_url: docUrl(error.code), payment_method: render(paymentMethod) },
  });
  emulator.store.changed();
  emulator.emit('setup_intent.setup_failed', setupIntent);
}

function declineSetup(emulator: Emulator, setupIntent: StripeObject, paymentMethod: StripeObject, decline: Decline): never {
  fail(emulator, setupIntent, paymentMethod, { type: 'card_error', code: decline.code, decline_code: decline.decline_code, message: decline.message });
  throw cardError(decline, paymentMethod, { setup_intent: render(setupIntent) });
}

export function confirmSetupIntent(emulator: Emulator, setupIntent: StripeObject, options: { paymentMethod?: string; returnUrl?: string }): StripeObject {
  if (!['requires_payment_method', 'requires_confirmation', 'requires_action'].includes(setupIntent.status)) {
    throw invalidRequest(`You cannot confirm this SetupIntent because it has already succeeded or been canceled (status: ${setupIntent.status}).`, {
      code: 'setup_intent_unexpected_state',
    });
  }
  const paymentMethodId = options.paymentMethod ?? setupIntent.payment_method;
  if (!paymentMethodId) {
    throw invalidRequest("You cannot confirm this SetupIntent because it's missing a payment method.", { code: 'setup_intent_unexpected_state' });
  }
  const paymentMethod = resolvePaymentMethod(emulator, paymentMethodId);
  setupIntent.payment_method = paymentMethod.id;
  if (options.returnUrl) setupIntent._return_url = options.returnUrl;
  const outcome = decideSetup(cardOf(paymentMethod), { authenticated: false });
  if (outcome.kind === 'declined') declineSetup(emulator, setupIntent, paymentMethod, outcome.decline);
  if (outcome.kind === 'requires_action') {
    const url = `${emulator.publicUrl}/3ds/${setupIntent.id}?client_secret=${encodeURIComponent(setupIntent.client_secret)}`;
    setupIntent.status = 'requires_action';
    setupIntent.next_action = setupIntent._return_url
      ? { type: 'redirect_to_url', redirect_to_url: { return_url: setupIntent._return_url, url } }
      : { type: 'use_stripe_sdk', use_stripe_sdk: { type: 'three_d_secure_redirect', stripe_js: url, source: newId('src') } };
    emulator.store.changed();
    emulator.emit('setup_intent.requires_action', setupIntent);
    return setupIntent;
  }
  succeed(emulator, setupIntent, paymentMethod);
  return setupIntent;
}

export function authenticateSetupIntent(emulator: Emulator, setupIntent: StripeObject, outcome: 'complete' | 'fail'): StripeObject {
  if (setupIntent.status !== 'requires_action') {
    throw invalidRequest(`This SetupIntent has a status of ${setupIntent.status}; there is no authentication to complete.`, { code: 'setup_intent_unexpected_state' });
  }
  const paymentMethod = emulator.store.require('payment_method', setupIntent.payment_method);
  if (outcome === 'fail') {
    fail(emulator, setupIntent, paymentMethod, {
      type: 'invalid_request_error',
      code: 'setup_intent_authentication_failure',
      message: 'We are unable to authenticate your payment method. Please choose a different payment method and try again.',
    });
    return setupIntent;
  }
  succeed(emulator, setupIntent, paymentMethod);
  return setupIntent;
}

function createFromParams(emulator: Emulator, params: Params): StripeObject {
  assertKnownParams(params, ['customer', 'payment_method', 'confirm', 'usage', 'metadata', 'description', 'return_url', 'automatic_payment_methods', 'payment_method_options']);
  const customer = optionalString(params, 'customer');
  if (customer) requireCustomer(emulator, customer);
  const paymentMethodParam = optionalString(params, 'payment_method');
  const setupIntent = buildSetupIntent(emulator, {
    customer,
    description: optionalString(params, 'description'),
    metadata: params.metadata,
    usage: optionalEnum(params, 'usage', ['on_session', 'off_session']),
    paymentMethod: paymentMethodParam ? resolvePaymentMethod(emulator, paymentMethodParam).id : null,
  });
  const returnUrl = optionalString(params, 'return_url');
  if (!optionalBool(params, 'confirm')) {
    if (returnUrl) throw invalidRequest('You can only specify `return_url` when `confirm` is true.', { param: 'return_url' });
    return setupIntent;
  }
  return confirmSetupIntent(emulator, setupIntent, { returnUrl });
}

export function registerSetupIntentRoutes(router: Router): void {
  router.post('/v1/setup_intents', (em, req) => createFromParams(em, req.params));
  router.get('/v1/setup_intents/:id', (em, req) => em.store.require('setup_intent', req.pathParams.id!));
  router.post('/v1/setup_intents/:id', (em, req) => {
    assertKnownParams(req.params, ['metadata', 'description', 'payment_method', 'customer']);
    const setupIntent = em.store.require('setup_intent', req.pathParams.id!);
    setupIntent.metadata = mergeMetadata(setupIntent.metadata, req.params.metadata);
    if (req.params.description !== undefined) setupIntent.description = optionalString(req.params, 'description') ?? null;
    if (req.params.customer !== undefined) setupIntent.customer = optionalString(req.params, 'customer') ?? null;
    const paymentMethod = optionalString(req.params, 'payment_method');
    if (paymentMethod) {
      setupIntent.payment_method = resolvePaymentMethod(em, paymentMethod).id;
      setupIntent.status = 'requires_confirmation';
    }
    em.store.changed();
    return setupIntent;
  });
  router.post('/v1/setup_intents/:id/confirm', (em, req) => {
    assertKnownParams(req.params, ['payment_method', 'return_url', 'payment_method_options']);
    return confirmSetupIntent(em, em.store.require('setup_intent', req.pathParams.id!), {
      paymentMethod: optionalString(req.params, 'payment_method'),
      returnUrl: optionalString(req.params, 'return_url'),
    });
  });
  router.post('/v1/setup_intents/:id/cancel', (em, req) => {
    assertKnownParams(req.params, ['cancellation_reason']);
    const setupIntent = em.store.require('setup_intent', req.pathParams.id!);
    if (['succeeded', 'canceled'].includes(setupIntent.status)) {
      throw invalidRequest(`You cannot cancel this SetupIntent because it has a status of ${setupIntent.status}.`, { code: 'setup_intent_unexpected_state' });
    }
    Object.assign(setupIntent, { status: 'canceled', cancellation_reason: optionalString(req.params, 'cancellation_reason') ?? null, next_action: null });
    em.store.changed();
    em.emit('setup_intent.canceled', setupIntent);
    return setupIntent;
  });
  router.get('/v1/setup_intents', (em, req) => {
    assertKnownParams(req.params, [...LIST_PARAMS, 'customer', 'payment_method', 'created']);
    const customer = optionalString(req.params, 'customer');
    return paginate(
      em.store.list('setup_intent', (si) => !customer || si.customer === customer),
      req.params,
      '/v1/setup_intents',
    );
  });
}
