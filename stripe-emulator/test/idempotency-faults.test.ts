import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StripeObject } from '../src/store.js';
import { startTestEmulator, stripeError, type TestContext } from './helpers.js';

let t: TestContext;
beforeAll(async () => {
  t = await startTestEmulator();
});
beforeEach(async () => {
  await t.admin('POST', 'reset');
});
afterAll(async () => t.running.close());

async function rawPost(path: string, body: string, key: string, apiKey = 'sk_test_123') {
  const response = await fetch(`${t.running.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': key },
    body,
  });
  return { status: response.status, replayed: response.headers.get('idempotent-replayed'), body: (await response.json()) as StripeObject };
}

describe('idempotency', () => {
  it('replays the first response with Idempotent-Replayed: true and creates one object', async () => {
    const first = await t.stripe.customers.create({ email: 'one@test.dev' }, { idempotencyKey: 'key-1' });
    const second = await t.stripe.customers.create({ email: 'one@test.dev' }, { idempotencyKey: 'key-1' });
    expect(second.id).toBe(first.id);
    expect(second.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(first.lastResponse.headers['idempotent-replayed']).toBeUndefined();
    expect(first.lastResponse.requestId).toMatch(/^req_/);
    const list = await t.stripe.customers.list({ email: 'one@test.dev' });
    expect(list.data).toHaveLength(1);
  });

  it('replays a 402 decline with the same body', async () => {
    const params = { amount: 1500, currency: 'usd', payment_method: 'pm_card_visa_chargeDeclined', confirm: true };
    const first = await stripeError(t.stripe.paymentIntents.create(params, { idempotencyKey: 'decline-1' }));
    const second = await stripeError(t.stripe.paymentIntents.create(params, { idempotencyKey: 'decline-1' }));
    expect(second.statusCode).toBe(402);
    expect(second.payment_intent?.id).toBe(first.payment_intent?.id);
    expect(second.headers?.['idempotent-replayed']).toBe('true');
    expect((await t.stripe.paymentIntents.list()).data).toHaveLength(1);
  });

  it('rejects the same key with different parameters (400 idempotency_error)', async () => {
    await t.stripe.customers.create({ email: 'a@test.dev' }, { idempotencyKey: 'key-2' });
    const error = await stripeError(t.stripe.customers.create({ email: 'b@test.dev' }, { idempotencyKey: 'key-2' }));
    expect(error.statusCode).toBe(400);
    expect(error.type).toBe('StripeIdempotencyError');
    expect(error.message).toContain('Keys for idempotent requests can only be used with the same parameters');
  });

  it('does not store validation errors: a corrected request may reuse the key', async () => {
    const invalid = await stripeError(t.stripe.paymentIntents.create({ amount: 1000 } as never, { idempotencyKey: 'key-fix' }));
    expect(invalid).toMatchObject({ statusCode: 400, code: 'parameter_missing', param: 'currency' });
    const fixed = await t.stripe.paymentIntents.create({ amount: 1000, currency: 'usd' }, { idempotencyKey: 'key-fix' });
    expect(fixed.status).toBe('requires_payment_method');
  });

  it('answers 409 while the first request with the key is still in flight', async () => {
    await t.admin('POST', 'faults', { hang_next_requests: 1, hang_ms: 600 });
    const slow = rawPost('/v1/customers', 'email=slow%40test.dev', 'key-3');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const concurrent = await rawPost('/v1/customers', 'email=slow%40test.dev', 'key-3');
    expect(concurrent.status).toBe(409);
    expect(concurrent.body.error.type).toBe('idempotency_error');
    const first = await slow;
    expect(first.status).toBe(200);
    const replay = await rawPost('/v1/customers', 'email=slow%40test.dev', 'key-3');
    expect(replay).toMatchObject({ status: 200, replayed: 'true' });
    expect(replay.body.id).toBe(first.body.id);
  });

  it('scopes keys per API key, and GET/DELETE ignore keys', async () => {
    const a = await rawPost('/v1/customers', 'email=x%40test.dev', 'shared-key', 'sk_test_a');
    const b = await rawPost('/v1/customers', 'email=x%40test.dev', 'shared-key', 'sk_test_b');
    expect(a.body.id).not.toBe(b.body.id);
    const get = await t.stripe.customers.retrieve(a.body.id, { idempotencyKey: 'ignored' } as never);
    expect(get.id).toBe(a.body.id);
  });
});

describe('authentication', () => {
  it('rejects keys that are not sk_test_ with 401', async () => {
    const live = new Stripe('sk_live_nope', { host: '127.0.0.1', port: t.running.port, protocol: 'http' });
    const error = await stripeError(live.customers.list());
    expect(error.statusCode).toBe(401);
    expect(error.type).toBe('StripeAuthenticationError');
  });
});

describe('fault injection', () => {
  it('fail_next_requests: the 500 has no side effect and the SDK retry (same key) creates exactly one PaymentIntent', async () => {
    await t.admin('POST', 'faults', { fail_next_requests: 1, fail_path_prefix: '/v1/payment_intents' });
    const paymentIntent = await t.stripe.paymentIntents.create({ amount: 3000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
    expect(paymentIntent.status).toBe('succeeded');
    const all = await t.stripe.paymentIntents.list();
    expect(all.data.map((pi) => pi.id)).toEqual([paymentIntent.id]);
    expect((await t.admin('GET', 'faults')).faults.fail_next_requests).toBe(0);
  });

  it('fail_next_requests beyond the SDK retries surfaces a StripeAPIError 500', async () => {
    await t.admin('POST', 'faults', { fail_next_requests: 3 });
    const error = await stripeError(t.stripe.customers.create({ email: 'fail@test.dev' }));
    expect(error.statusCode).toBe(500);
    expect(error.type).toBe('StripeAPIError');
    expect((await t.stripe.customers.list()).data).toHaveLength(0);
  });

  it('hang_next_requests: the operation happens; a timed-out client retrying with its key gets the stored result', async () => {
    await t.admin('POST', 'faults', { hang_next_requests: 1, hang_ms: 700 });
    const impatient = new Stripe('sk_test_123', { host: '127.0.0.1', port: t.running.port, protocol: 'http', timeout: 200, maxNetworkRetries: 0 });
    const error = await stripeError(impatient.customers.create({ email: 'hang@test.dev' }, { idempotencyKey: 'hang-key' }));
    expect(error.type).toBe('StripeConnectionError');
    await new Promise((resolve) => setTimeout(resolve, 800));
    const retried = await t.stripe.customers.create({ email: 'hang@test.dev' }, { idempotencyKey: 'hang-key' });
    expect(retried.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect((await t.stripe.customers.list({ email: 'hang@test.dev' })).data.map((c) => c.id)).toEqual([retried.id]);
  });
});
