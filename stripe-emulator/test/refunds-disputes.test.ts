import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, stripeError, waitFor, type TestContext } from './helpers.js';

let t: TestContext;
beforeAll(async () => {
  t = await startTestEmulator();
});
afterAll(async () => t.running.close());

async function eventsFor(objectId: string): Promise<Stripe.Event[]> {
  const events = (await t.stripe.events.list({ limit: 100 })).data.reverse();
  return events.filter((e) => (e.data.object as { id?: string }).id === objectId);
}

async function paid(amount: number, paymentMethod = 'pm_card_visa'): Promise<{ pi: Stripe.PaymentIntent; charge: string }> {
  const pi = await t.stripe.paymentIntents.create({ amount, currency: 'usd', payment_method: paymentMethod, confirm: true });
  expect(pi.status).toBe('succeeded');
  return { pi, charge: pi.latest_charge as string };
}

describe('refunds', () => {
  it('a partial then the rest, by charge and by payment_intent: amount_refunded, refunded, refund.created + charge.refunded', async () => {
    const { pi, charge } = await paid(2000);
    const first = await t.stripe.refunds.create({ charge, amount: 500, reason: 'requested_by_customer', metadata: { refill_refund_id: 'r1' } });
    expect(first).toMatchObject({
      object: 'refund',
      amount: 500,
      charge,
      payment_intent: pi.id,
      status: 'succeeded',
      reason: 'requested_by_customer',
      metadata: { refill_refund_id: 'r1' },
    });
    expect(await t.stripe.charges.retrieve(charge)).toMatchObject({ amount_refunded: 500, refunded: false });
    const rest = await t.stripe.refunds.create({ payment_intent: pi.id });
    expect(rest.amount).toBe(1500);
    const after = await t.stripe.charges.retrieve(charge);
    expect(after).toMatchObject({ amount_refunded: 2000, refunded: true });
    expect(after.refunds?.data.map((r) => r.id)).toEqual([rest.id, first.id]);
    expect((await t.stripe.refunds.retrieve(first.id)).amount).toBe(500);
    expect((await t.stripe.refunds.list({ charge })).data.map((r) => r.id)).toEqual([rest.id, first.id]);
    const types = (await eventsFor(first.id)).map((e) => e.type);
    expect(types).toEqual(['refund.created']);
    const chargeEvents = (await eventsFor(charge)).filter((e) => e.type === 'charge.refunded');
    expect(chargeEvents.map((e) => (e.data.object as Stripe.Charge).amount_refunded)).toEqual([500, 2000]);
  });

  it('refuses what Stripe refuses: nothing left, more than is left, neither or both targets', async () => {
    const { charge } = await paid(1000);
    const tooMuch = await stripeError(t.stripe.refunds.create({ charge, amount: 1001 }));
    expect(tooMuch).toMatchObject({ type: 'StripeInvalidRequestError', param: 'amount' });
    expect(tooMuch.message).toContain('greater than unrefunded amount');
    await t.stripe.refunds.create({ charge });
    expect(await stripeError(t.stripe.refunds.create({ charge }))).toMatchObject({ code: 'charge_already_refunded' });
    expect((await stripeError(t.stripe.refunds.create({}))).message).toContain('payment_intent or charge');
  });

  it('the same idempotency key refunds once', async () => {
    const { charge } = await paid(1000);
    const a = await t.stripe.refunds.create({ charge, amount: 100 }, { idempotencyKey: 'refund-k1' });
    const b = await t.stripe.refunds.create({ charge, amount: 100 }, { idempotencyKey: 'refund-k1' });
    expect(b.id).toBe(a.id);
    expect((await t.stripe.charges.retrieve(charge)).amount_refunded).toBe(100);
  });
});

describe('disputes (test cards)', () => {
  it('pm_card_createDispute: charge.dispute.created + funds_withdrawn shortly after the charge; losing evidence closes it lost', async () => {
    const { charge, pi } = await paid(2000, 'pm_card_createDispute');
    const dispute = await waitFor(async () => (await t.stripe.disputes.list({ charge })).data[0]);
    expect(dispute).toMatchObject({ object: 'dispute', amount: 2000, charge, payment_intent: pi.id, reason: 'fraudulent', status: 'needs_response' });
    expect(dispute.balance_transactions.map((b) => b.amount)).toEqual([-2000]);
    expect((await t.stripe.charges.retrieve(charge)).disputed).toBe(true);
    expect(await stripeError(t.stripe.refunds.create({ charge }))).toMatchObject({ code: 'charge_disputed' });
    const closed = await t.stripe.disputes.update(dispute.id, { evidence: { uncategorized_text: 'losing_evidence' } });
    expect(closed.status).toBe('lost');
    expect((await eventsFor(dispute.id)).map((e) => e.type)).toEqual([
      'charge.dispute.created',
      'charge.dispute.funds_withdrawn',
      'charge.dispute.updated',
      'charge.dispute.closed',
    ]);
  });

  it('winning evidence closes it won and reinstates the funds; the admin endpoint closes one directly; a closed one stays closed', async () => {
    const won = await paid(1000, 'pm_card_createDispute');
    const d1 = await waitFor(async () => (await t.stripe.disputes.list({ charge: won.charge })).data[0]);
    expect((await t.stripe.disputes.update(d1.id, { evidence: { uncategorized_text: 'winning_evidence' } })).status).toBe('won');
    expect((await t.stripe.disputes.retrieve(d1.id)).balance_transactions.map((b) => b.amount)).toEqual([-1000, 1000]);
    expect((await eventsFor(d1.id)).map((e) => e.type)).toContain('charge.dispute.funds_reinstated');

    const lost = await paid(1000, 'pm_card_createDispute');
    const d2 = await waitFor(async () => (await t.stripe.disputes.list({ charge: lost.charge })).data[0]);
    expect((await t.admin('POST', `disputes/${d2.id}/close`, { outcome: 'lost' })).status).toBe('lost');
    expect(await stripeError(t.stripe.disputes.close(d2.id))).toMatchObject({ code: 'dispute_already_closed' });
  });
});
