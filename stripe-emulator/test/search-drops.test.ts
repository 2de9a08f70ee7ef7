import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestEmulator, stripeError, waitFor, type TestContext } from './helpers.js';

let t: TestContext;
beforeAll(async () => {
  t = await startTestEmulator();
});
beforeEach(async () => {
  await t.admin('POST', 'reset');
});
afterAll(async () => t.running.close());

async function charge(metadata: Record<string, string>, customer?: string) {
  return t.stripe.paymentIntents.create({ amount: 2000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, metadata, customer });
}

describe('GET /v1/payment_intents/search', () => {
  it('finds PaymentIntents by metadata, customer and status (AND), as the SDK types it', async () => {
    const customer = await t.stripe.customers.create({ email: 'search@test.dev' });
    const wanted = await charge({ attempt_id: 'att_1' }, customer.id);
    await charge({ attempt_id: 'att_2' }, customer.id);
    await charge({ attempt_id: 'att_1' });
    const byMetadata = await t.stripe.paymentIntents.search({ query: "metadata['attempt_id']:'att_1'" });
    expect(byMetadata.object).toBe('search_result');
    expect(byMetadata.data).toHaveLength(2);
    const exact = await t.stripe.paymentIntents.search({
      query: `customer:'${customer.id}' AND metadata["attempt_id"]:"att_1" AND status:'succeeded'`,
    });
    expect(exact).toMatchObject({ object: 'search_result', has_more: false, next_page: null, url: '/v1/payment_intents/search' });
    expect(exact.data.map((pi) => pi.id)).toEqual([wanted.id]);
    expect(exact.total_count).toBeUndefined();
    const none = await t.stripe.paymentIntents.search({ query: `metadata['attempt_id']:'att_1' AND status:'canceled'` });
    expect(none.data).toEqual([]);
  });

  it('pages with limit / next_page (newest first) and counts with expand total_count', async () => {
    const created = [];
    for (let i = 0; i < 3; i++) created.push(await charge({ batch: 'b' }));
    const first = await t.stripe.paymentIntents.search({ query: "metadata['batch']:'b'", limit: 2, expand: ['total_count'] });
    expect(first.total_count).toBe(3);
    expect(first.has_more).toBe(true);
    expect(first.next_page).toEqual(expect.any(String));
    const second = await t.stripe.paymentIntents.search({ query: "metadata['batch']:'b'", limit: 2, page: first.next_page! });
    expect(second.has_more).toBe(false);
    const ids = [...first.data, ...second.data].map((pi) => pi.id);
    expect(new Set(ids)).toEqual(new Set(created.map((pi) => pi.id)));
    const all = await t.stripe.paymentIntents.search({ query: "metadata['batch']:'b'", limit: 1 }).autoPagingToArray({ limit: 10 });
    expect(all).toHaveLength(3);
  });

  it('supports -negation, numeric comparisons, OR and ~ substring', async () => {
    await charge({ kind: 'topup-auto' });
    await t.stripe.paymentIntents.create({ amount: 900, currency: 'usd', metadata: { kind: 'manual' } });
    expect((await t.stripe.paymentIntents.search({ query: 'amount>1000' })).data).toHaveLength(1);
    expect((await t.stripe.paymentIntents.search({ query: "-status:'succeeded'" })).data[0]!.amount).toBe(900);
    expect((await t.stripe.paymentIntents.search({ query: "metadata['kind']:'manual' OR amount:2000" })).data).toHaveLength(2);
    expect((await t.stripe.paymentIntents.search({ query: "metadata['kind']~'auto'" })).data).toHaveLength(1);
    expect((await t.stripe.paymentIntents.search({ query: "metadata['missing']:null" })).data).toHaveLength(2);
  });

  it('rejects an invalid query with 400 invalid_request_error (param query)', async () => {
    for (const query of ["metadata['a']:'x' AND status:'succeeded' OR amount:1", 'bogus:1', 'status:succeeded', "metadata:'x'", '']) {
      const error = await stripeError(t.stripe.paymentIntents.search({ query }));
      expect(error.statusCode).toBe(400);
      expect(error.type).toBe('StripeInvalidRequestError');
      expect(error.param).toBe('query');
    }
    const unsupported = await stripeError(t.stripe.paymentIntents.search({ query: "email:'a@b.c'" }));
    expect(unsupported.message).toContain('unsupported search field');
  });
});

describe('fault drop_response_next_requests', () => {
  it('performs the create, resets the connection, and the SDK retry with the same key gets the replay: one PaymentIntent', async () => {
    await t.admin('POST', 'faults', { drop_response_next_requests: 1, drop_path_prefix: '/v1/payment_intents', drop_method: 'POST' });
    const paymentIntent = await charge({ attempt_id: 'att_drop' });
    expect(paymentIntent.status).toBe('succeeded');
    expect(paymentIntent.lastResponse.headers['idempotent-replayed']).toBe('true');
    const found = await t.stripe.paymentIntents.search({ query: "metadata['attempt_id']:'att_drop'" });
    expect(found.data.map((pi) => pi.id)).toEqual([paymentIntent.id]);
    expect((await t.admin('GET', 'faults')).faults.drop_response_next_requests).toBe(0);
  });

  it('dropped twice (the SDK retries a reset connection once even with maxNetworkRetries 0): a connection error although Stripe charged', async () => {
    await t.admin('POST', 'faults', { drop_response_next_requests: 2 });
    const once = new Stripe('sk_test_123', { host: '127.0.0.1', port: t.running.port, protocol: 'http', maxNetworkRetries: 0 });
    const error = await stripeError(once.paymentIntents.create({ amount: 2000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, metadata: { attempt_id: 'lost' } }));
    expect(error.type).toBe('StripeConnectionError');
    const found = await t.stripe.paymentIntents.search({ query: "metadata['attempt_id']:'lost' AND status:'succeeded'" });
    expect(found.data).toHaveLength(1);
  });
});

describe('POST /_emulator/idempotency/forget', () => {
  it('forgets every key: the same key then creates a second PaymentIntent (as after 24 h at Stripe)', async () => {
    const params = { amount: 2000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, metadata: { attempt_id: 'att_old' } };
    const first = await t.stripe.paymentIntents.create(params, { idempotencyKey: 'recharge-att_old' });
    const replay = await t.stripe.paymentIntents.create(params, { idempotencyKey: 'recharge-att_old' });
    expect(replay.id).toBe(first.id);
    expect(await t.admin('POST', 'idempotency/forget')).toEqual({ forgotten: 1 });
    const second = await t.stripe.paymentIntents.create(params, { idempotencyKey: 'recharge-att_old' });
    expect(second.id).not.toBe(first.id);
    expect((await t.stripe.paymentIntents.search({ query: "metadata['attempt_id']:'att_old'" })).data).toHaveLength(2);
  });

  it('keys expire after idempotencyTtlMs', async () => {
    const short = await startTestEmulator({ idempotencyTtlMs: 50 });
    try {
      const a = await short.stripe.customers.create({ email: 'ttl@test.dev' }, { idempotencyKey: 'ttl' });
      await new Promise((resolve) => setTimeout(resolve, 80)); // let the key age past its 50 ms life
      const b = await short.stripe.customers.create({ email: 'ttl@test.dev' }, { idempotencyKey: 'ttl' });
      expect(b.id).not.toBe(a.id);
    } finally {
      await short.running.close();
    }
  });
});

describe('hang faults', () => {
  it('a 60 s hang outlasts the client; reset releases it at once and the stored result is the truth', async () => {
    await t.admin('POST', 'faults', { hang_next_requests: 1, hang_ms: 60_000, hang_path_prefix: '/v1/payment_intents', hang_method: 'POST' });
    const impatient = new Stripe('sk_test_123', { host: '127.0.0.1', port: t.running.port, protocol: 'http', timeout: 300, maxNetworkRetries: 1 });
    const error = await stripeError(
      impatient.paymentIntents.create(
        { amount: 2000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, metadata: { attempt_id: 'att_hang' } },
        { idempotencyKey: 'hang-60' },
      ),
    );
    // the timed-out attempt's retry finds the key in flight: 409 idempotency_key_in_use
    expect(error.type === 'StripeConnectionError' || error.statusCode === 409).toBe(true);
    // Stripe charged although the client never heard back; search tells the truth
    const found = await t.stripe.paymentIntents.search({ query: "metadata['attempt_id']:'att_hang'" });
    expect(found.data.map((pi) => pi.status)).toEqual(['succeeded']);
    const started = Date.now();
    await t.admin('DELETE', 'faults');
    const replay = await t.stripe.paymentIntents.create(
      { amount: 2000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, metadata: { attempt_id: 'att_hang' } },
      { idempotencyKey: 'hang-60' },
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(replay.id).toBe(found.data[0]!.id);
  });

  it('close() releases hung responses (no timer keeps the process alive)', async () => {
    const other = await startTestEmulator();
    await other.admin('POST', 'faults', { hang_next_requests: 1, hang_ms: 60_000 });
    const pending = fetch(`${other.running.url}/v1/customers`, { method: 'POST', headers: { authorization: 'Bearer sk_test_1' }, body: '' }).catch((e: unknown) => e);
    await waitFor(async () => (await other.stripe.customers.list()).data.length === 1); // performed, now hanging
    const started = Date.now();
    await other.running.close();
    await pending;
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('hang_every_n hangs every n-th matching request (n = 5 ⇒ 20 %)', async () => {
    await t.admin('POST', 'faults', { hang_every_n: 5, hang_ms: 60_000, hang_path_prefix: '/v1/customers', hang_method: 'POST' });
    const quick = new Stripe('sk_test_123', { host: '127.0.0.1', port: t.running.port, protocol: 'http', timeout: 300, maxNetworkRetries: 0 });
    const outcomes: string[] = [];
    for (let i = 0; i < 10; i++) {
      outcomes.push(
        await quick.customers.create({ email: `n${i}@test.dev` }).then(
          () => 'ok',
          (e: Stripe.errors.StripeError) => e.type,
        ),
      );
    }
    await quick.customers.list(); // GETs never hang (hang_method: POST)
    expect(outcomes.map((o, i) => (o === 'ok' ? '.' : `${i}`)).join('')).toBe('....4....9');
    expect((await t.stripe.customers.list({ limit: 100 })).data).toHaveLength(10);
  });
});
