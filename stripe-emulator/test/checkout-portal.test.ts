import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, stripeError, type TestContext } from './helpers.js';

let t: TestContext;
let monthly: Stripe.Price;
beforeAll(async () => {
  t = await startTestEmulator({ publicUrl: 'http://checkout.emulator.test' });
  const product = await t.stripe.products.create({ name: 'Team plan' });
  monthly = await t.stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 2900, recurring: { interval: 'month' } });
});
afterAll(async () => t.running.close());

async function complete(sessionId: string, cardNumber = '4242 4242 4242 4242') {
  return t.admin('POST', `checkout_sessions/${sessionId}/complete`, { card_number: cardNumber, email: 'buyer@test.dev' });
}

describe('checkout sessions (API)', () => {
  it('payment mode with price_data: url, line_items, expand, completion events in order', async () => {
    const customer = await t.stripe.customers.create({ email: 'buyer@test.dev' });
    const session = await t.stripe.checkout.sessions.create({
      mode: 'payment',
      customer: customer.id,
      client_reference_id: 'org_1',
      metadata: { packs: '3' },
      success_url: 'https://app.test/ok?session_id={CHECKOUT_SESSION_ID}',
      cancel_url: 'https://app.test/cancel',
      line_items: [{ quantity: 3, price_data: { currency: 'usd', unit_amount: 2000, product_data: { name: '1,000 credits' } } }],
      payment_intent_data: { metadata: { packs: '3' }, setup_future_usage: 'off_session' },
    });
    expect(session).toMatchObject({ status: 'open', payment_status: 'unpaid', amount_total: 6000, payment_intent: null, url: `http://checkout.emulator.test/c/pay/${session.id}` });
    const items = await t.stripe.checkout.sessions.listLineItems(session.id);
    expect(items.data[0]).toMatchObject({ object: 'item', quantity: 3, amount_total: 6000, description: '1,000 credits' });
    const result = await complete(session.id);
    expect(result.step).toEqual({ kind: 'redirect', url: `https://app.test/ok?session_id=${session.id}` });
    const done = await t.stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent', 'line_items', 'customer'] });
    expect(done).toMatchObject({ status: 'complete', payment_status: 'paid' });
    const paymentIntent = done.payment_intent as Stripe.PaymentIntent;
    expect(paymentIntent).toMatchObject({ status: 'succeeded', amount: 6000, metadata: { packs: '3' }, setup_future_usage: 'off_session' });
    expect(done.line_items?.data).toHaveLength(1);
    expect((done.customer as Stripe.Customer).id).toBe(customer.id);
    expect((await t.stripe.paymentMethods.retrieve(paymentIntent.payment_method as string)).customer).toBe(customer.id);
    const events = (await t.stripe.events.list({ limit: 100 })).data.reverse().map((e) => e.type);
    const order = ['payment_intent.created', 'charge.succeeded', 'payment_intent.succeeded', 'checkout.session.completed'].map((type) => (events as string[]).lastIndexOf(type));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(order.every((i) => i >= 0)).toBe(true);
  });

  it('a decline leaves the session open with the message', async () => {
    const session = await t.stripe.checkout.sessions.create({
      mode: 'payment',
      success_url: 'https://app.test/ok',
      line_items: [{ price_data: { currency: 'usd', unit_amount: 500, product_data: { name: 'x' } }, quantity: 1 }],
    });
    const result = await complete(session.id, '4000000000009995');
    expect(result.step).toEqual({ kind: 'error', message: 'Your card has insufficient funds.' });
    expect((await t.stripe.checkout.sessions.retrieve(session.id)).status).toBe('open');
  });

  it('setup mode: SetupIntent attached, no_payment_required, setup_intent_data metadata', async () => {
    const customer = await t.stripe.customers.create();
    const session = await t.stripe.checkout.sessions.create({
      mode: 'setup',
      currency: 'usd',
      customer: customer.id,
      success_url: 'https://app.test/ok',
      setup_intent_data: { metadata: { purpose: 'auto_recharge' } },
    });
    expect(session.payment_status).toBe('no_payment_required');
    await complete(session.id);
    const done = await t.stripe.checkout.sessions.retrieve(session.id, { expand: ['setup_intent'] });
    const setupIntent = done.setup_intent as Stripe.SetupIntent;
    expect(done.status).toBe('complete');
    expect(setupIntent).toMatchObject({ status: 'succeeded', metadata: { purpose: 'auto_recharge' }, customer: customer.id });
    expect((await t.stripe.customers.listPaymentMethods(customer.id)).data).toHaveLength(1);
  });

  it('setup mode requires currency; payment_method_types is rejected', async () => {
    const noCurrency = await stripeError(t.stripe.checkout.sessions.create({ mode: 'setup', success_url: 'https://app.test/ok' }));
    expect(noCurrency).toMatchObject({ statusCode: 400, param: 'currency' });
    const types = await stripeError(t.stripe.checkout.sessions.create({ mode: 'setup', currency: 'usd', payment_method_types: ['card'] } as never));
    expect(types).toMatchObject({ statusCode: 400, code: 'parameter_unknown', param: 'payment_method_types' });
  });

  it('subscription mode: creates customer, subscription and first invoice; subscription_data metadata', async () => {
    const session = await t.stripe.checkout.sessions.create({
      mode: 'subscription',
      success_url: 'https://app.test/ok',
      line_items: [{ price: monthly.id, quantity: 1 }],
      subscription_data: { metadata: { org: 'o9' } },
    });
    await complete(session.id);
    const done = await t.stripe.checkout.sessions.retrieve(session.id, { expand: ['subscription', 'subscription.latest_invoice'] });
    const subscription = done.subscription as Stripe.Subscription;
    expect(done).toMatchObject({ status: 'complete', payment_status: 'paid' });
    expect(subscription).toMatchObject({ status: 'active', metadata: { org: 'o9' }, customer: done.customer });
    expect((subscription.latest_invoice as Stripe.Invoice).billing_reason).toBe('subscription_create');
    expect(subscription.default_payment_method).toMatch(/^pm_/);
  });

  it('expire: manual and automatic at expires_at, with checkout.session.expired', async () => {
    const session = await t.stripe.checkout.sessions.create({ mode: 'setup', currency: 'usd', success_url: 'https://app.test/ok' });
    const expired = await t.stripe.checkout.sessions.expire(session.id);
    expect(expired.status).toBe('expired');
    const soon = await t.stripe.checkout.sessions.create({ mode: 'setup', currency: 'usd', success_url: 'https://app.test/ok', expires_at: Math.floor(Date.now() / 1000) + 1 });
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect((await t.stripe.checkout.sessions.retrieve(soon.id)).status).toBe('expired');
    const events = await t.stripe.events.list({ type: 'checkout.session.expired' });
    expect(events.data.map((e) => (e.data.object as Stripe.Checkout.Session).id)).toEqual(expect.arrayContaining([session.id, soon.id]));
    const list = await t.stripe.checkout.sessions.list({ status: 'expired' });
    expect(list.data.length).toBeGreaterThanOrEqual(2);
  });
});

describe('billing portal sessions (API)', () => {
  it('creates a session with a url and a default configuration; payment_method_update flow', async () => {
    const customer = await t.stripe.customers.create();
    const session = await t.stripe.billingPortal.sessions.create({ customer: customer.id, return_url: 'https://app.test/billing' });
    expect(session).toMatchObject({ object: 'billing_portal.session', customer: customer.id, return_url: 'https://app.test/billing', flow: null });
    expect(session.url).toBe(`http://checkout.emulator.test/p/session/${session.id}`);
    const configuration = await t.stripe.billingPortal.configurations.retrieve(session.configuration as string);
    expect(configuration.is_default).toBe(true);
    const flow = await t.stripe.billingPortal.sessions.create({
      customer: customer.id,
      return_url: 'https://app.test/billing',
      flow_data: { type: 'payment_method_update', after_completion: { type: 'redirect', redirect: { return_url: 'https://app.test/billing?updated=1' } } },
    });
    expect(flow.flow).toMatchObject({ type: 'payment_method_update', after_completion: { type: 'redirect', redirect: { return_url: 'https://app.test/billing?updated=1' } } });
  });
});
