import { cardByNumber, cardByPaymentMethodId, cardByToken, decideSetup, isLuhnValid, type Decline, type TestCard } from '../cards.js';
import { StripeApiError, docUrl, invalidRequest, parameterMissing } from '../errors.js';
import type { Emulator } from '../emulator.js';
import type { Params } from '../form.js';
import { cardFingerprint, newId, nowSeconds } from '../ids.js';
import { LIST_PARAMS, paginate } from '../lists.js';
import { assertKnownNested, assertKnownParams, mergeMetadata, optionalInt, optionalString, requiredString } from '../params.js';
import type { Router } from '../router.js';
import { render, type StripeObject } from '../store.js';
import { updateWithEvent } from '../events.js';

export function cardOf(paymentMethod: StripeObject): TestCard {
  return cardByNumber(paymentMethod._number);
}

/** A card_error (402) body; `extra` adds payment_intent / setup_intent / charge. */
export function cardError(decline: Decline, paymentMethod: StripeObject | null, extra: StripeObject = {}): StripeApiError {
  const error: StripeObject = {
    type: 'card_error',
    code: decline.code,
    decline_code: decline.decline_code,
    message: decline.message,
    doc_url: docUrl(decline.code),
    ...(decline.advice_code ? { advice_code: decline.advice_code } : {}),
    ...(decline.param ? { param: decline.param } : {}),
    ...extra,
  };
  if (paymentMethod) error.payment_method = render(paymentMethod);
  return new StripeApiError(402, { error });
}

function defaultExpiry(): { month: number; year: number } {
  const now = new Date();
  return { month: now.getUTCMonth() + 1, year: now.getUTCFullYear() + 1 };
}

function buildPaymentMethod(
  emulator: Emulator,
  card: TestCard,
  options: { expMonth?: number; expYear?: number; cvc?: boolean; billingDetails?: StripeObject; metadata?: unknown } = {},
): StripeObject {
  const expiry = defaultExpiry();
  const paymentMethod: StripeObject = {
    id: newId('pm'),
    object: 'payment_method',
    allow_redisplay: 'unspecified',
    billing_details: {
      address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null },
      email: null,
      name: null,
      phone: null,
      tax_id: null,
      ...(options.billingDetails ?? {}),
    },
    card: {
      brand: card.brand,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: options.cvc === false ? null : 'pass' },
      country: card.country,
      display_brand: card.brand,
      exp_month: options.expMonth ?? expiry.month,
      exp_year: options.expYear ?? expiry.year,
      fingerprint: cardFingerprint(card.number),
      funding: card.funding,
      generated_from: null,
      last4: card.number.slice(-4),
      networks: { available: [card.brand], preferred: null },
      regulated_status: 'unregulated',
      three_d_secure_usage: { supported: true },
      wallet: null,
    },
    created: nowSeconds(),
    customer: null,
    customer_account: null,
    livemode: false,
    metadata: mergeMetadata({}, options.metadata),
    type: 'card',
    _number: card.number,
    _set_up_off_session: card.threeDSecure === 'on_session_only',
  };
  return emulator.store.insert(paymentMethod);
}

/** Card number from a form (spaces allowed) → PaymentMethod; bad numbers are a 402 like Stripe. */
export function paymentMethodFromCardNumber(emulator: Emulator, rawNumber: string, options: { expMonth?: number; expYear?: number; name?: string } = {}): StripeObject {
  const number = rawNumber.replace(/[\s-]/g, '');
  if (!isLuhnValid(number)) {
    throw cardError({ code: 'incorrect_number', decline_code: 'incorrect_number', message: 'Your card number is incorrect.', param: 'number' }, null);
  }
  if (options.expYear !== undefined && options.expMonth !== undefined) {
    const now = new Date();
    const expired = options.expYear < now.getUTCFullYear() || (options.expYear === now.getUTCFullYear() && options.expMonth < now.getUTCMonth() + 1);
    if (expired || options.expMonth < 1 || options.expMonth > 12) {
      throw cardError({ code: 'invalid_expiry_year', decline_code: 'invalid_expiry_year', message: "Your card's expiration year is invalid.", param: 'exp_year' }, null);
    }
  }
  return buildPaymentMethod(emulator, cardByNumber(number), {
    expMonth: options.expMonth,
    expYear: options.expYear,
    billingDetails: options.name ? { name: options.name } : undefined,
  });
}

/** `pm_card_visa` & co. create a fresh PaymentMethod each time; other ids must exist. */
export function resolvePaymentMethod(emulator: Emulator, id: string, param = 'payment_method'): StripeObject {
  const testCard = cardByPaymentMethodId(id);
  if (testCard) return buildPaymentMethod(emulator, testCard);
  const found = emulator.store.get(id);
  if (!found || found.object !== 'payment_method') {
    throw invalidRequest(`No such PaymentMethod: '${id}'`, { param, code: 'resource_missing', status: emulator.store.get(id) ? 400 : 404 });
  }
  return found;
}

export function attachPaymentMethod(emulator: Emulator, paymentMethod: StripeObject, customerId: string): StripeObject {
  if (paymentMethod.customer === customerId) return paymentMethod;
  if (paymentMethod.customer) {
    throw invalidRequest('The payment method you provided has already been attached to a customer.', { param: 'payment_method' });
  }
  const outcome = decideSetup(cardOf(paymentMethod), { authenticated: true });
  if (outcome.kind === 'declined') throw cardError(outcome.decline, null);
  paymentMethod.customer = customerId;
  emulator.store.changed();
  emulator.emit('payment_method.attached', paymentMethod);
  return paymentMethod;
}

export function detachPaymentMethod(emulator: Emulator, paymentMethod: StripeObject): StripeObject {
  if (!paymentMethod.customer) {
    throw invalidRequest('The payment method you provided is not attached to a customer so detachment is impossible.', { param: 'payment_method' });
  }
  const customerId = paymentMethod.customer as string;
  paymentMethod.customer = null;
  emulator.store.changed();
  emulator.emit('payment_method.detached', paymentMethod, { customer: customerId });
  const customer = emulator.store.get(customerId);
  if (customer && customer.invoice_settings?.default_payment_method === paymentMethod.id) {
    const previous = { invoice_settings: { default_payment_method: paymentMethod.id } };
    customer.invoice_settings = { ...customer.invoice_settings, default_payment_method: null };
    emulator.emit('customer.updated', customer, previous);
  }
  return paymentMethod;
}

function createPaymentMethod(emulator: Emulator, params: Params): StripeObject {
  assertKnownParams(params, ['type', 'card', 'billing_details', 'metadata', 'allow_redisplay', 'customer', 'payment_method']);
  const type = requiredString(params, 'type');
  if (type !== 'card') throw invalidRequest(`The payment method type "${type}" is not supported by the emulator.`, { param: 'type', code: 'payment_method_unsupported_type' });
  const card = params.card;
  if (typeof card !== 'object' || card === null) throw parameterMissing('card');
  assertKnownNested(params, 'card', ['number', 'exp_month', 'exp_year', 'cvc', 'token']);
  const billingDetails = typeof params.billing_details === 'object' ? params.billing_details : undefined;
  if (card.token) {
    const testCard = cardByToken(String(card.token));
    if (!testCard) throw invalidRequest(`No such token: '${card.token}'`, { param: 'card[token]', code: 'resource_missing', status: 404 });
    return buildPaymentMethod(emulator, testCard, { billingDetails, metadata: params.metadata });
  }
  if (!card.number) throw parameterMissing('card[number]');
  const expMonth = optionalInt(card, 'exp_month', 'card[exp_month]');
  const expYear = optionalInt(card, 'exp_year', 'card[exp_year]');
  if (expMonth === undefined) throw parameterMissing('card[exp_month]');
  if (expYear === undefined) throw parameterMissing('card[exp_year]');
  const paymentMethod = paymentMethodFromCardNumber(emulator, String(card.number), { expMonth, expYear: expYear < 100 ? 2000 + expYear : expYear });
  if (billingDetails) paymentMethod.billing_details = { ...paymentMethod.billing_details, ...billingDetails };
  paymentMethod.metadata = mergeMetadata({}, params.metadata);
  return paymentMethod;
}

function applyPaymentMethodUpdate(paymentMethod: StripeObject, params: Params): void {
  paymentMethod.metadata = mergeMetadata(paymentMethod.metadata, params.metadata);
  if (typeof params.billing_details === 'object') paymentMethod.billing_details = { ...paymentMethod.billing_details, ...params.billing_details };
  const card = params.card;
  if (card && typeof card === 'object') {
    assertKnownNested(params, 'card', ['exp_month', 'exp_year']);
    const expMonth = optionalInt(card, 'exp_month', 'card[exp_month]');
    const expYear = optionalInt(card, 'exp_year', 'card[exp_year]');
    if (expMonth !== undefined) paymentMethod.card.exp_month = expMonth;
    if (expYear !== undefined) paymentMethod.card.exp_year = expYear;
  }
  if (typeof params.allow_redisplay === 'string') paymentMethod.allow_redisplay = params.allow_redisplay;
}

export function registerPaymentMethodRoutes(router: Router): void {
  router.post('/v1/payment_methods', (em, req) => createPaymentMethod(em, req.params));
  router.get('/v1/payment_methods/:id', (em, req) => em.store.require('payment_method', req.pathParams.id!));
  router.post('/v1/payment_methods/:id', (em, req) => {
    assertKnownParams(req.params, ['billing_details', 'metadata', 'card', 'allow_redisplay']);
    const paymentMethod = em.store.require('payment_method', req.pathParams.id!);
    updateWithEvent(em, 'payment_method.updated', paymentMethod, () => applyPaymentMethodUpdate(paymentMethod, req.params));
    return paymentMethod;
  });
  router.post('/v1/payment_methods/:id/attach', (em, req) => {
    assertKnownParams(req.params, ['customer']);
    const customerId = requiredString(req.params, 'customer');
    const customer = em.store.require('customer', customerId, 'customer');
    if (customer.deleted) throw invalidRequest(`No such customer: '${customerId}'`, { param: 'customer', code: 'resource_missing', status: 404 });
    return attachPaymentMethod(em, resolvePaymentMethod(em, req.pathParams.id!, 'payment_method'), customerId);
  });
  router.post('/v1/payment_methods/:id/detach', (em, req) => {
    assertKnownParams(req.params, []);
    return detachPaymentMethod(em, em.store.require('payment_method', req.pathParams.id!));
  });
  router.get('/v1/payment_methods', (em, req) => {
    assertKnownParams(req.params, [...LIST_PARAMS, 'customer', 'type']);
    const customer = optionalString(req.params, 'customer');
    const type = optionalString(req.params, 'type');
    const items = em.store.list('payment_method', (pm) => (!customer || pm.customer === customer) && (!type || pm.type === type));
    return paginate(items, req.params, '/v1/payment_methods');
  });
}
