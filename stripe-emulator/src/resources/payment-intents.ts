import type Stripe from 'stripe';
import { decidePayment, type Decline } from '../cards.js';
import { docUrl, invalidRequest } from '../errors.js';
import type { Emulator } from '../emulator.js';
import { newClientSecret, newId } from '../ids.js';
import { mergeMetadata } from '../params.js';
import { render, type StripeObject } from '../store.js';
import { createCharge } from './charges.js';
import { attachPaymentMethod, cardError, cardOf, resolvePaymentMethod } from './payment-methods.js';

const AUTH_FAILURE_MESSAGE = 'We are unable to authenticate your payment method. Please choose a different payment method and try again.';
const ERROR_ON_REQUIRES_ACTION: Decline = {
  code: 'authentication_required',
  decline_code: 'authentication_not_handled',
  message:
    "This payment required an authentication action to complete, but `error_on_requires_action` was set. When you're ready, you can upgrade your integration to handle actions at https://stripe.com/docs/payments/payment-intents/upgrade-to-handle-actions.",
};
const CONFIRMABLE = ['requires_payment_method', 'requires_confirmation', 'requires_action'];

export interface PaymentIntentInput {
  amount: number;
  currency: string;
  customer?: string | null;
  description?: string | null;
  metadata?: unknown;
  setupFutureUsage?: string | null;
  paymentMethod?: string | null;
  receiptEmail?: string | null;
}

export function buildPaymentIntent(emulator: Emulator, input: PaymentIntentInput): StripeObject {
  const id = newId('pi');
  const paymentIntent: StripeObject = {
    id,
    object: 'payment_intent',
    allowed_payment_method_types: null,
    amount: input.amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: { allow_redirects: 'always', enabled: true },
    canceled_at: null,
    cancellation_reason: null,
    capture_method: 'automatic_async',
    client_secret: newClientSecret(id),
    confirmation_method: 'automatic',
    created: emulator.nowFor(input.customer),
    currency: input.currency.toLowerCase(),
    customer: input.customer ?? null,
    customer_account: null,
    description: input.description ?? null,
    excluded_payment_method_types: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    managed_payments: null,
    metadata: mergeMetadata({}, input.metadata),
    next_action: null,
    on_behalf_of: null,
    payment_method: input.paymentMethod ?? null,
    payment_method_configuration_details: null,
    payment_method_options: { card: { installments: null, mandate_options: null, network: null, request_three_d_secure: 'automatic' } },
    payment_method_types: ['card'],
    payment_record: null,
    processing: null,
    receipt_email: input.receiptEmail ?? null,
    review: null,
    setup_future_usage: input.setupFutureUsage ?? null,
    shipping: null,
    source: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: input.paymentMethod ? 'requires_confirmation' : 'requires_payment_method',
    transfer_data: null,
    transfer_group: null,
  } satisfies Stripe.PaymentIntent;
  emulator.store.insert(paymentIntent);
  emulator.emit('payment_intent.created', paymentIntent);
  return paymentIntent;
}

function succeed(emulator: Emulator, paymentIntent: StripeObject, paymentMethod: StripeObject): void {
  const charge = createCharge(emulator, paymentIntent, paymentMethod, null);
  if (paymentIntent.setup_future_usage && paymentIntent.customer) {
    attachPaymentMethod(emulator, paymentMethod, paymentIntent.customer);
    if (paymentIntent.setup_future_usage === 'off_session') paymentMethod._set_up_off_session = true;
  }
  Object.assign(paymentIntent, {
    status: 'succeeded',
    amount_received: paymentIntent.amount,
    latest_charge: charge.id,
    next_action: null,
    last_payment_error: null,
  });
  emulator.store.changed();
  emulator.emit('payment_intent.succeeded', paymentIntent);
}

/** Declined: failed charge, PI back to requires_payment_method, 402 card_error thrown. */
function decline(emulator: Emulator, paymentIntent: StripeObject, paymentMethod: StripeObject, reason: Decline): never {
  const charge = createCharge(emulator, paymentIntent, paymentMethod, reason);
  Object.assign(paymentIntent, {
    status: 'requires_payment_method',
    latest_charge: charge.id,
    next_action: null,
    payment_method: null,
    last_payment_error: {
      type: 'card_error',
      code: reason.code,
      decline_code: reason.decline_code,
      message: reason.message,
      doc_url: docUrl(reason.code),
      ...(reason.advice_code ? { advice_code: reason.advice_code } : {}),
      ...(reason.param ? { param: reason.param } : {}),
      charge: charge.id,
      payment_method: render(paymentMethod),
    },
  });
  emulator.store.changed();
  emulator.emit('payment_intent.payment_failed', paymentIntent);
  throw cardError(reason, paymentMethod, { charge: charge.id, payment_intent: render(paymentIntent) });
}

function requireAction(emulator: Emulator, paymentIntent: StripeObject): void {
  const url = `${emulator.publicUrl}/3ds/${paymentIntent.id}?client_secret=${encodeURIComponent(paymentIntent.client_secret)}`;
  paymentIntent.status = 'requires_action';
  paymentIntent.next_action = paymentIntent._return_url
    ? { type: 'redirect_to_url', redirect_to_url: { return_url: paymentIntent._return_url, url } }
    : { type: 'use_stripe_sdk', use_stripe_sdk: { type: 'three_d_secure_redirect', stripe_js: url, source: newId('src') } };
  emulator.store.changed();
  emulator.emit('payment_intent.requires_action', paymentIntent);
}

export interface ConfirmOptions {
  paymentMethod?: string;
  offSession?: boolean;
  returnUrl?: string;
  errorOnRequiresAction?: boolean;
  /** The customer just authenticated this card in the same flow (hosted Checkout subscription). */
  preAuthenticated?: boolean;
}

/** Runs the test-card decision table for a confirmation. Throws 402 on declines. */
export function confirmPaymentIntent(emulator: Emulator, paymentIntent: StripeObject, options: ConfirmOptions): StripeObject {
  if (!CONFIRMABLE.includes(paymentIntent.status)) {
    throw invalidRequest(
      `You cannot confirm this PaymentIntent because it has a status of ${paymentIntent.status}. Only a PaymentIntent with one of the following statuses may be confirmed: requires_confirmation, requires_action, requires_payment_method.`,
      { code: 'payment_intent_unexpected_state' },
    );
  }
  const paymentMethodId = options.paymentMethod ?? paymentIntent.payment_method;
  if (!paymentMethodId) {
    throw invalidRequest(
      "You cannot confirm this PaymentIntent because it's missing a payment method. You can either update the PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment method or ConfirmationToken.",
      { code: 'payment_intent_unexpected_state' },
    );
  }
  const paymentMethod = resolvePaymentMethod(emulator, paymentMethodId, 'payment_method');
  if (paymentMethod.customer && paymentIntent.customer && paymentMethod.customer !== paymentIntent.customer) {
    throw invalidRequest(`The provided PaymentMethod ${paymentMethod.id} does not belong to the Customer ${paymentIntent.customer}.`, {
      param: 'payment_method',
      code: 'payment_intent_invalid_parameter',
    });
  }
  paymentIntent.payment_method = paymentMethod.id;
  if (options.returnUrl) paymentIntent._return_url = options.returnUrl;
  paymentIntent._off_session = options.offSession ?? false;
  paymentIntent._authenticated = options.preAuthenticated === true;
  const outcome = decidePayment(cardOf(paymentMethod), {
    offSession: paymentIntent._off_session,
    setUpForOffSession: paymentMethod._set_up_off_session === true,
    authenticated: paymentIntent._authenticated,
  });
  if (outcome.kind === 'declined') decline(emulator, paymentIntent, paymentMethod, outcome.decline);
  if (outcome.kind === 'requires_action') {
    if (options.errorOnRequiresAction) decline(emulator, paymentIntent, paymentMethod, ERROR_ON_REQUIRES_ACTION);
    requireAction(emulator, paymentIntent);
    return paymentIntent;
  }
  succeed(emulator, paymentIntent, paymentMethod);
  return paymentIntent;
}

/** The 3-D Secure challenge outcome (hosted page or admin API). Never throws on a decline. */
export function authenticatePaymentIntent(emulator: Emulator, paymentIntent: StripeObject, outcome: 'complete' | 'fail'): StripeObject {
  if (paymentIntent.status !== 'requires_action') {
    throw invalidRequest(`This PaymentIntent has a status of ${paymentIntent.status}; there is no authentication to complete.`, { code: 'payment_intent_unexpected_state' });
  }
  const paymentMethod = emulator.store.require('payment_method', paymentIntent.payment_method);
  if (outcome === 'fail') {
    Object.assign(paymentIntent, {
      status: 'requires_payment_method',
      next_action: null,
      payment_method: null,
      last_payment_error: {
        type: 'invalid_request_error',
        code: 'payment_intent_authentication_failure',
        message: AUTH_FAILURE_MESSAGE,
        doc_url: docUrl('payment_intent_authentication_failure'),
        payment_method: render(paymentMethod),
      },
    });
    emulator.store.changed();
    emulator.emit('payment_intent.payment_failed', paymentIntent);
    return paymentIntent;
  }
  paymentIntent._authenticated = true;
  const decision = decidePayment(cardOf(paymentMethod), { offSession: false, setUpForOffSession: false, authenticated: true });
  try {
    if (decision.kind === 'declined') decline(emulator, paymentIntent, paymentMethod, decision.decline);
    succeed(emulator, paymentIntent, paymentMethod);
  } catch {
    // the decline is recorded on the PaymentIntent (last_payment_error)
  }
  return paymentIntent;
}
