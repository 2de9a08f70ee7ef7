import Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryAttempt } from '../src/webhooks.js';
import { startReceiver, startTestEmulator, waitFor, type TestContext } from './helpers.js';

const SECRET = 'whsec_test_secret_for_emulator';
const verifier = new Stripe('sk_test_123');
let t: TestContext;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let statusFor: (index: number) => number = () => 200;

beforeAll(async () => {
  receiver = await startReceiver((_, index) => statusFor(index));
  t = await startTestEmulator({ webhookUrl: receiver.url, webhookSecret: SECRET, maxDeliveryAttempts: 4 });
});
afterEach(async () => {
  await t.admin('POST', 'reset');
  await t.admin('POST', 'webhook', { url: receiver.url, secret: SECRET });
  receiver.received.length = 0;
  statusFor = () => 200;
});
afterAll(async () => {
  await t.running.close();
  await receiver.close();
});

function verified(index: number): Stripe.Event {
  const hook = receiver.received[index]!;
  return verifier.webhooks.constructEvent(hook.body, String(hook.headers['stripe-signature']), SECRET);
}

describe('webhook delivery', () => {
  it('delivers signed events that constructEvent accepts, in creation order', async () => {
    const customer = await t.stripe.customers.create({ email: 'hook@test.dev' }, { idempotencyKey: 'hook-key' });
    await t.stripe.customers.update(customer.id, { name: 'Hook' });
    await waitFor(() => receiver.received.length >= 2);
    const created = verified(0);
    expect(created).toMatchObject({ type: 'customer.created', object: 'event', api_version: '2026-10-28.endive', livemode: false, request: { idempotency_key: 'hook-key' } });
    expect((created.data.object as Stripe.Customer).id).toBe(customer.id);
    const updated = verified(1);
    expect(updated.type).toBe('customer.updated');
    expect(updated.data.previous_attributes).toEqual({ name: null });
    const fetched = await t.stripe.events.retrieve(created.id);
    expect(fetched.id).toBe(created.id);
  });

  it('retries after the receiver answers 500, recording every attempt', async () => {
    statusFor = (index) => (index === 0 ? 500 : 200);
    await t.stripe.products.create({ name: 'Retry me' });
    await waitFor(() => receiver.received.length >= 2);
    expect(verified(1).id).toBe(verified(0).id);
    const deliveries = await waitFor(async () => {
      const { data } = await t.admin('GET', 'deliveries?event_type=product.created');
      return data.length >= 2 ? data : undefined;
    });
    expect(deliveries.map((d: DeliveryAttempt) => [d.attempt, d.status, d.ok])).toEqual([
      [1, 500, false],
      [2, 200, true],
    ]);
  });

  it('fault duplicate_deliveries sends each event twice; drop_first_attempt retries it', async () => {
    await t.admin('POST', 'faults', { duplicate_deliveries: true });
    await t.stripe.products.create({ name: 'Twice' });
    await waitFor(() => receiver.received.length >= 2);
    expect(verified(0).id).toBe(verified(1).id);
    await t.admin('DELETE', 'faults');
    receiver.received.length = 0;
    await t.admin('POST', 'faults', { drop_first_attempt: true });
    await t.stripe.products.create({ name: 'Dropped first' });
    await waitFor(() => receiver.received.length >= 1);
    const { data } = await t.admin('GET', 'deliveries?event_type=product.created');
    const last = data.slice(-2);
    expect(last.map((d: DeliveryAttempt) => [d.attempt, d.dropped])).toEqual([
      [1, true],
      [2, false],
    ]);
  });

  it('fault wrong_signature makes constructEvent reject the payload', async () => {
    await t.admin('POST', 'faults', { wrong_signature: true });
    await t.stripe.products.create({ name: 'Bad sig' });
    await waitFor(() => receiver.received.length >= 1);
    expect(() => verified(0)).toThrow(Stripe.errors.StripeSignatureVerificationError);
  });

  it('fault shuffle still delivers every event, delay_ms delays them', async () => {
    await t.admin('POST', 'faults', { shuffle: true, delay_ms: 20 });
    for (let i = 0; i < 5; i++) await t.stripe.products.create({ name: `P${i}` });
    await waitFor(() => receiver.received.length >= 5);
    const names = receiver.received.map((_, i) => (verified(i).data.object as Stripe.Product).name).sort();
    expect(names).toEqual(['P0', 'P1', 'P2', 'P3', 'P4']);
  });

  it('fault drop_webhooks (types): the event exists and is listed, its delivery is recorded dropped, never sent', async () => {
    await t.admin('POST', 'faults', { drop_webhooks: ['payment_intent.succeeded'] });
    const paymentIntent = await t.stripe.paymentIntents.create({ amount: 2000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
    await t.stripe.products.create({ name: 'After the lost one' });
    // deliveries go out in creation order, so once product.created arrived every earlier event was handled
    await waitFor(() => receiver.received.some((hook) => JSON.parse(hook.body).type === 'product.created'));
    const sentTypes = receiver.received.map((hook) => JSON.parse(hook.body).type);
    expect(sentTypes).toContain('payment_intent.created');
    expect(sentTypes).not.toContain('payment_intent.succeeded');
    const events = await t.stripe.events.list({ type: 'payment_intent.succeeded' });
    expect(events.data.map((e) => (e.data.object as Stripe.PaymentIntent).id)).toEqual([paymentIntent.id]);
    const { data } = await t.admin('GET', 'deliveries?event_type=payment_intent.succeeded');
    expect(data).toMatchObject([{ event_id: events.data[0]!.id, attempt: 1, dropped: true, ok: false, status: null }]);
  });

  it('fault drop_webhooks: true loses every event; the dispatcher is idle with nothing sent', async () => {
    await t.admin('POST', 'faults', { drop_webhooks: true });
    await t.stripe.customers.create({ email: 'lost@test.dev' });
    const deliveries = await t.admin('GET', 'deliveries');
    expect(deliveries.idle).toBe(true);
    expect(deliveries.data.map((d: DeliveryAttempt) => [d.event_type, d.dropped])).toEqual([['customer.created', true]]);
    expect(receiver.received).toHaveLength(0);
    expect((await t.stripe.events.list()).data.map((e) => e.type)).toEqual(['customer.created']);
    expect((await t.admin('POST', 'faults', { drop_webhooks: 'yes' })).error.message).toContain('drop_webhooks must be');
  });

  it('webhook endpoints CRUD: secret only on create, enabled_events filter', async () => {
    await t.admin('POST', 'webhook', { url: null });
    const second = await startReceiver();
    const endpoint = await t.stripe.webhookEndpoints.create({ url: second.url, enabled_events: ['price.created'] });
    expect(endpoint.secret).toMatch(/^whsec_/);
    const retrieved = await t.stripe.webhookEndpoints.retrieve(endpoint.id);
    expect(retrieved.secret).toBeUndefined();
    const product = await t.stripe.products.create({ name: 'Filtered' });
    await t.stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 500 });
    await waitFor(async () => (await t.admin('GET', 'deliveries')).idle);
    expect(second.received).toHaveLength(1);
    const event = verifier.webhooks.constructEvent(second.received[0]!.body, String(second.received[0]!.headers['stripe-signature']), endpoint.secret!);
    expect(event.type).toBe('price.created');
    const updated = await t.stripe.webhookEndpoints.update(endpoint.id, { enabled_events: ['*'] });
    expect(updated.enabled_events).toEqual(['*']);
    expect((await t.stripe.webhookEndpoints.list()).data).toHaveLength(1);
    expect((await t.stripe.webhookEndpoints.del(endpoint.id)).deleted).toBe(true);
    await second.close();
  });
});
