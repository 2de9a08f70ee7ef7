import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, stripeError, type TestContext } from './helpers.js';

let t: TestContext;
beforeAll(async () => {
  t = await startTestEmulator();
});
afterAll(async () => t.running.close());

describe('customers', () => {
  it('create, retrieve, update (metadata merge / delete key), list by email, delete', async () => {
    const customer = await t.stripe.customers.create({ email: 'c1@test.dev', name: 'C One', metadata: { org: 'o1', tier: 'free' } });
    expect(customer).toMatchObject({ object: 'customer', email: 'c1@test.dev', livemode: false, test_clock: null });
    const updated = await t.stripe.customers.update(customer.id, { metadata: { tier: '', plan: 'pro' } });
    expect(updated.metadata).toEqual({ org: 'o1', plan: 'pro' });
    const list = await t.stripe.customers.list({ email: 'c1@test.dev' });
    expect(list.data.map((c) => c.id)).toEqual([customer.id]);
    const deleted = await t.stripe.customers.del(customer.id);
    expect(deleted).toMatchObject({ id: customer.id, deleted: true });
    const retrieved = await t.stripe.customers.retrieve(customer.id);
    expect(retrieved).toEqual(expect.objectContaining({ id: customer.id, object: 'customer', deleted: true }));
    expect((await t.stripe.customers.list({ email: 'c1@test.dev' })).data).toHaveLength(0);
  });

  it('default_payment_method must be attached; customer.updated carries previous_attributes', async () => {
    const customer = await t.stripe.customers.create({ email: 'c2@test.dev' });
    const loose = await t.stripe.paymentMethods.create({ type: 'card', card: { token: 'tok_visa' } } as Stripe.PaymentMethodCreateParams);
    const error = await stripeError(t.stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: loose.id } }));
    expect(error.statusCode).toBe(400);
    expect(error.param).toBe('invoice_settings[default_payment_method]');
    await t.stripe.paymentMethods.attach(loose.id, { customer: customer.id });
    const updated = await t.stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: loose.id } });
    expect(updated.invoice_settings.default_payment_method).toBe(loose.id);
    const events = await t.stripe.events.list({ type: 'customer.updated' });
    const event = events.data.find((e) => (e.data.object as Stripe.Customer).id === customer.id)!;
    expect(event.data.previous_attributes).toEqual({ invoice_settings: { default_payment_method: null } });
  });

  it('404 resource_missing for unknown ids; 400 parameter_unknown for unknown params', async () => {
    const missing = await stripeError(t.stripe.customers.retrieve('cus_nope'));
    expect(missing).toMatchObject({ statusCode: 404, code: 'resource_missing', type: 'StripeInvalidRequestError' });
    const unknown = await stripeError(t.stripe.customers.create({ emale: 'x' } as never));
    expect(unknown).toMatchObject({ statusCode: 400, code: 'parameter_unknown', param: 'emale' });
  });
});

describe('payment methods', () => {
  it('card fields, stable fingerprint, fresh pm per test id, attach/detach/list', async () => {
    const a = await t.stripe.paymentMethods.create({ type: 'card', card: { number: '4242424242424242', exp_month: 12, exp_year: 2034, cvc: '123' } });
    const b = await t.stripe.paymentMethods.create({ type: 'card', card: { token: 'tok_visa' } } as Stripe.PaymentMethodCreateParams);
    expect(a.card).toMatchObject({ brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2034, funding: 'credit', country: 'US', wallet: null });
    expect(a.card!.three_d_secure_usage).toEqual({ supported: true });
    expect(a.card!.fingerprint).toBe(b.card!.fingerprint);
    const customer = await t.stripe.customers.create();
    const first = await t.stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    const second = await t.stripe.paymentMethods.attach('pm_card_mastercard', { customer: customer.id });
    expect(first.id).not.toBe(second.id);
    expect(first.id).toMatch(/^pm_/);
    const listed = await t.stripe.customers.listPaymentMethods(customer.id);
    expect(listed.data.map((pm) => pm.id).sort()).toEqual([first.id, second.id].sort());
    expect((await t.stripe.paymentMethods.list({ customer: customer.id, type: 'card' })).data).toHaveLength(2);
    const detached = await t.stripe.paymentMethods.detach(first.id);
    expect(detached.customer).toBeNull();
    const updated = await t.stripe.paymentMethods.update(second.id, { metadata: { nick: 'work' } });
    expect(updated.metadata).toEqual({ nick: 'work' });
    const types = (await t.stripe.events.list({ types: ['payment_method.attached', 'payment_method.detached'] })).data.map((e) => e.type);
    expect(types).toContain('payment_method.detached');
  });

  it('rejects a bad card number with a card_error', async () => {
    const error = await stripeError(t.stripe.paymentMethods.create({ type: 'card', card: { number: '4242424242424241', exp_month: 1, exp_year: 2035 } }));
    expect(error).toMatchObject({ statusCode: 402, code: 'incorrect_number' });
  });
});

describe('payment intents', () => {
  it('create → confirm → succeeded with a charge; expand latest_charge and payment_method', async () => {
    const customer = await t.stripe.customers.create();
    const created = await t.stripe.paymentIntents.create({
      amount: 2500,
      currency: 'usd',
      customer: customer.id,
      metadata: { attempt: 'a1' },
      description: 'Top-up',
      automatic_payment_methods: { enabled: true },
    });
    expect(created.status).toBe('requires_payment_method');
    const confirmed = await t.stripe.paymentIntents.confirm(created.id, { payment_method: 'pm_card_visa', expand: ['latest_charge', 'payment_method'] });
    expect(confirmed).toMatchObject({ status: 'succeeded', amount_received: 2500, metadata: { attempt: 'a1' } });
    const charge = confirmed.latest_charge as Stripe.Charge;
    expect(charge).toMatchObject({ object: 'charge', paid: true, status: 'succeeded', payment_intent: created.id, customer: customer.id });
    expect((confirmed.payment_method as Stripe.PaymentMethod).card?.last4).toBe('4242');
    expect((await t.stripe.paymentIntents.list({ customer: customer.id })).data).toHaveLength(1);
    expect((await t.stripe.charges.list({ customer: customer.id })).data.map((c) => c.id)).toEqual([charge.id]);
  });

  it('payment_method_types is rejected as the pinned API version does', async () => {
    const error = await stripeError(t.stripe.paymentIntents.create({ amount: 1000, currency: 'usd', payment_method_types: ['card'] } as never));
    expect(error).toMatchObject({ statusCode: 400, code: 'parameter_unknown', param: 'payment_method_types' });
  });

  it('3DS without return_url → use_stripe_sdk; cancel; decline carries the fixture shape', async () => {
    const pi = await t.stripe.paymentIntents.create({ amount: 1000, currency: 'usd', payment_method: 'pm_card_threeDSecure2Required', confirm: true });
    expect(pi.next_action?.type).toBe('use_stripe_sdk');
    const canceled = await t.stripe.paymentIntents.cancel(pi.id);
    expect(canceled.status).toBe('canceled');
    const error = await stripeError(t.stripe.paymentIntents.create({ amount: 1000, currency: 'usd', payment_method: 'pm_card_visa_chargeDeclined', confirm: true }));
    const raw = error.raw as { charge: string; payment_method: Stripe.PaymentMethod; payment_intent: Stripe.PaymentIntent };
    expect(raw).toMatchObject({
      type: 'card_error',
      code: 'card_declined',
      decline_code: 'generic_decline',
      advice_code: 'try_again_later',
      doc_url: expect.stringContaining('card-declined'),
    });
    expect(raw.charge).toMatch(/^ch_/);
    expect(raw.payment_method.card?.last4).toBe('0002');
    expect(raw.payment_intent.last_payment_error?.payment_method?.id).toBe(raw.payment_method.id);
  });

  it('3DS failure via the admin API → requires_payment_method with payment_intent_authentication_failure', async () => {
    const pi = await t.stripe.paymentIntents.create({
      amount: 1000,
      currency: 'usd',
      payment_method: 'pm_card_authenticationRequired',
      confirm: true,
      return_url: 'https://app.test/back',
    });
    expect(pi.next_action?.redirect_to_url?.url).toContain(`/3ds/${pi.id}`);
    expect(pi.next_action?.redirect_to_url?.return_url).toBe('https://app.test/back');
    await t.admin('POST', `payment_intents/${pi.id}/authenticate`, { outcome: 'fail' });
    const failed = await t.stripe.paymentIntents.retrieve(pi.id);
    expect(failed.status).toBe('requires_payment_method');
    expect(failed.last_payment_error?.code).toBe('payment_intent_authentication_failure');
  });
});

describe('setup intents', () => {
  it('succeeds and attaches; declines with card_error; 3DS requires_action', async () => {
    const customer = await t.stripe.customers.create();
    const ok = await t.stripe.setupIntents.create({ customer: customer.id, payment_method: 'pm_card_visa', confirm: true, metadata: { k: 'v' } });
    expect(ok).toMatchObject({ status: 'succeeded', usage: 'off_session', metadata: { k: 'v' } });
    expect((await t.stripe.paymentMethods.retrieve(ok.payment_method as string)).customer).toBe(customer.id);
    const error = await stripeError(t.stripe.setupIntents.create({ customer: customer.id, payment_method: 'pm_card_visa_chargeDeclined', confirm: true }));
    expect(error).toMatchObject({ statusCode: 402, code: 'card_declined', decline_code: 'generic_decline' });
    const raw = error.raw as { setup_intent: Stripe.SetupIntent };
    expect(raw.setup_intent.status).toBe('requires_payment_method');
    expect(raw.setup_intent.last_setup_error?.code).toBe('card_declined');
    const pending = await t.stripe.setupIntents.create({ customer: customer.id });
    const action = await t.stripe.setupIntents.confirm(pending.id, { payment_method: 'pm_card_authenticationRequired', return_url: 'https://app.test/s' });
    expect(action.status).toBe('requires_action');
    expect(action.next_action?.type).toBe('redirect_to_url');
    const canceled = await t.stripe.setupIntents.cancel(action.id);
    expect(canceled.status).toBe('canceled');
    expect((await t.stripe.setupIntents.retrieve(ok.id)).id).toBe(ok.id);
  });
});

describe('lists and events', () => {
  it('paginates with limit, starting_after, ending_before and has_more', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await t.stripe.products.create({ name: `Page ${i}`, metadata: { page: 'yes' } })).id);
    const newestFirst = [...ids].reverse();
    const page1 = await t.stripe.products.list({ limit: 2 });
    expect(page1).toMatchObject({ object: 'list', has_more: true, url: '/v1/products' });
    expect(page1.data.map((p) => p.id)).toEqual(newestFirst.slice(0, 2));
    const page2 = await t.stripe.products.list({ limit: 2, starting_after: page1.data[1]!.id });
    expect(page2.data.map((p) => p.id)).toEqual(newestFirst.slice(2, 4));
    const back = await t.stripe.products.list({ limit: 2, ending_before: page2.data[0]!.id });
    expect(back.data.map((p) => p.id)).toEqual(newestFirst.slice(0, 2));
    const all: string[] = [];
    for await (const product of t.stripe.products.list({ limit: 2 })) all.push(product.id);
    expect(all.slice(0, 5)).toEqual(newestFirst);
  });

  it('events: newest first, type wildcard, created filter', async () => {
    const since = Math.floor(Date.now() / 1000);
    await t.stripe.customers.create({ email: 'evt@test.dev' });
    const events = await t.stripe.events.list({ type: 'customer.*', created: { gte: since } });
    expect(events.data[0]!.type).toBe('customer.created');
    expect(events.data[0]).toMatchObject({ object: 'event', api_version: '2026-10-28.endive', livemode: false });
    expect(events.data[0]!.id).toMatch(/^evt_/);
  });
});
