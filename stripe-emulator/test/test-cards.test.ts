import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, stripeError, type TestContext } from './helpers.js';

let t: TestContext;
beforeAll(async () => {
  t = await startTestEmulator();
});
afterAll(async () => t.running.close());

type Expected = { status: 'succeeded' | 'requires_action' } | { code: string; decline_code: string; message?: string };

const ON_SESSION: Array<[string, Expected]> = [
  ['pm_card_visa', { status: 'succeeded' }],
  ['pm_card_visa_chargeDeclined', { code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' }],
  ['pm_card_visa_chargeDeclinedInsufficientFunds', { code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' }],
  ['pm_card_visa_chargeDeclinedLostCard', { code: 'card_declined', decline_code: 'lost_card', message: 'Your card was declined.' }],
  ['pm_card_visa_chargeDeclinedStolenCard', { code: 'card_declined', decline_code: 'stolen_card', message: 'Your card was declined.' }],
  ['pm_card_chargeDeclinedExpiredCard', { code: 'expired_card', decline_code: 'expired_card', message: 'Your card has expired.' }],
  ['pm_card_chargeDeclinedIncorrectCvc', { code: 'incorrect_cvc', decline_code: 'incorrect_cvc', message: "Your card's security code is incorrect." }],
  ['pm_card_chargeDeclinedProcessingError', { code: 'processing_error', decline_code: 'processing_error' }],
  ['pm_card_chargeCustomerFail', { code: 'card_declined', decline_code: 'generic_decline' }],
  ['pm_card_authenticationRequiredOnSetup', { status: 'requires_action' }],
  ['pm_card_authenticationRequired', { status: 'requires_action' }],
  ['pm_card_authenticationRequiredSetupForOffSession', { status: 'requires_action' }],
  ['pm_card_authenticationRequiredChargeDeclinedInsufficientFunds', { status: 'requires_action' }],
  ['pm_card_threeDSecure2Required', { status: 'requires_action' }],
  ['pm_card_threeDSecureRequiredChargeDeclined', { status: 'requires_action' }],
  ['pm_card_threeDSecureOptional', { status: 'succeeded' }],
];

/** Off-session: saved (attached) cards only — the "saveable" ones. */
const OFF_SESSION: Array<[string, Expected]> = [
  ['pm_card_visa', { status: 'succeeded' }],
  ['pm_card_chargeCustomerFail', { code: 'card_declined', decline_code: 'generic_decline' }],
  ['pm_card_authenticationRequiredOnSetup', { code: 'authentication_required', decline_code: 'authentication_required' }],
  ['pm_card_authenticationRequired', { code: 'authentication_required', decline_code: 'authentication_required' }],
  ['pm_card_authenticationRequiredSetupForOffSession', { status: 'succeeded' }],
  ['pm_card_authenticationRequiredChargeDeclinedInsufficientFunds', { code: 'card_declined', decline_code: 'insufficient_funds' }],
  ['pm_card_threeDSecure2Required', { code: 'authentication_required', decline_code: 'authentication_required' }],
  ['pm_card_threeDSecureOptional', { status: 'succeeded' }],
];

async function expectOutcome(create: () => Promise<Stripe.PaymentIntent>, expected: Expected) {
  if ('status' in expected) {
    const paymentIntent = await create();
    expect(paymentIntent.status).toBe(expected.status);
    if (expected.status === 'succeeded') {
      expect(paymentIntent.amount_received).toBe(2000);
      const charge = await t.stripe.charges.retrieve(paymentIntent.latest_charge as string);
      expect(charge).toMatchObject({ paid: true, status: 'succeeded', amount: 2000 });
      expect(charge.payment_method_details?.card?.last4).toMatch(/^\d{4}$/);
    } else {
      expect(paymentIntent.next_action?.type).toBe('redirect_to_url');
    }
    return;
  }
  const error = await stripeError(create());
  expect(error.type).toBe('StripeCardError');
  expect(error.statusCode).toBe(402);
  expect(error.code).toBe(expected.code);
  expect(error.decline_code).toBe(expected.decline_code);
  if (expected.message) expect(error.message).toBe(expected.message);
  const paymentIntent = error.payment_intent!;
  expect(paymentIntent.status).toBe('requires_payment_method');
  expect(paymentIntent.last_payment_error?.code).toBe(expected.code);
  expect(paymentIntent.last_payment_error?.decline_code).toBe(expected.decline_code);
  const stored = await t.stripe.paymentIntents.retrieve(paymentIntent.id);
  expect(stored.status).toBe('requires_payment_method');
  const charge = await t.stripe.charges.retrieve(stored.latest_charge as string);
  expect(charge).toMatchObject({ paid: false, status: 'failed', failure_code: expected.code });
}

describe('every test card on-session', () => {
  it.each(ON_SESSION)('%s', async (paymentMethod, expected) => {
    await expectOutcome(
      () => t.stripe.paymentIntents.create({ amount: 2000, currency: 'usd', payment_method: paymentMethod, confirm: true, return_url: 'https://app.test/return' }),
      expected,
    );
  });
});

describe('every saveable test card off-session', () => {
  it.each(OFF_SESSION)('%s', async (testId, expected) => {
    const customer = await t.stripe.customers.create({ email: 'off@session.test' });
    const paymentMethod = await t.stripe.paymentMethods.attach(testId, { customer: customer.id });
    expect(paymentMethod.customer).toBe(customer.id);
    await expectOutcome(
      () => t.stripe.paymentIntents.create({ amount: 2000, currency: 'usd', customer: customer.id, payment_method: paymentMethod.id, off_session: true, confirm: true }),
      expected,
    );
  });

  it('"authenticate unless set up" succeeds off-session once set up with a SetupIntent', async () => {
    const customer = await t.stripe.customers.create();
    const setupIntent = await t.stripe.setupIntents.create({
      customer: customer.id,
      payment_method: 'pm_card_authenticationRequiredOnSetup',
      confirm: true,
      return_url: 'https://app.test/r',
    });
    expect(setupIntent.status).toBe('requires_action');
    await t.admin('POST', `setup_intents/${setupIntent.id}/authenticate`, { outcome: 'complete' });
    const paymentIntent = await t.stripe.paymentIntents.create({
      amount: 2000,
      currency: 'usd',
      customer: customer.id,
      payment_method: setupIntent.payment_method as string,
      off_session: true,
      confirm: true,
    });
    expect(paymentIntent.status).toBe('succeeded');
  });

  it('"authenticate unless set up" succeeds off-session after an on-session payment with setup_future_usage', async () => {
    const customer = await t.stripe.customers.create();
    const first = await t.stripe.paymentIntents.create({
      amount: 2000,
      currency: 'usd',
      customer: customer.id,
      payment_method: 'pm_card_authenticationRequiredOnSetup',
      setup_future_usage: 'off_session',
      confirm: true,
      return_url: 'https://app.test/r',
    });
    expect(first.status).toBe('requires_action');
    const authenticated = await t.admin('POST', `payment_intents/${first.id}/authenticate`, { outcome: 'complete' });
    expect(authenticated.status).toBe('succeeded');
    const paymentMethod = await t.stripe.paymentMethods.retrieve(authenticated.payment_method);
    expect(paymentMethod.customer).toBe(customer.id);
    const second = await t.stripe.paymentIntents.create({
      amount: 2000,
      currency: 'usd',
      customer: customer.id,
      payment_method: paymentMethod.id,
      off_session: true,
      confirm: true,
    });
    expect(second.status).toBe('succeeded');
  });
});

describe('cards that decline cannot be saved', () => {
  it.each(['pm_card_visa_chargeDeclined', 'pm_card_visa_chargeDeclinedInsufficientFunds', 'pm_card_chargeDeclinedExpiredCard'])('%s → 402 on attach', async (testId) => {
    const customer = await t.stripe.customers.create();
    const error = await stripeError(t.stripe.paymentMethods.attach(testId, { customer: customer.id }));
    expect(error.statusCode).toBe(402);
    expect(error.type).toBe('StripeCardError');
  });
});
