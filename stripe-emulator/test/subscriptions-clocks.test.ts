import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, stripeError, waitFor, type TestContext } from './helpers.js';

let t: TestContext;
let plan: Stripe.Price;
let bigPlan: Stripe.Price;
beforeAll(async () => {
  t = await startTestEmulator();
  const product = await t.stripe.products.create({ name: 'Pro', metadata: { plan: 'pro' } });
  plan = await t.stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 4900, recurring: { interval: 'month' }, lookup_key: 'pro_monthly' });
  const scale = await t.stripe.products.create({ name: 'Scale' });
  bigPlan = await t.stripe.prices.create({ product: scale.id, currency: 'usd', unit_amount: 9900, recurring: { interval: 'month' }, lookup_key: 'scale_monthly' });
});
afterAll(async () => t.running.close());

const JAN_15 = Math.floor(Date.UTC(2027, 0, 15, 12) / 1000);
const FEB_15 = Math.floor(Date.UTC(2027, 1, 15, 12) / 1000);

async function customerOnClock(paymentMethod = 'pm_card_visa') {
  const clock = await t.stripe.testHelpers.testClocks.create({ frozen_time: JAN_15 });
  const customer = await t.stripe.customers.create({ email: 'clock@test.dev', test_clock: clock.id });
  const pm = await t.stripe.paymentMethods.attach(paymentMethod, { customer: customer.id });
  await t.stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: pm.id } });
  return { clock, customer, pm };
}

async function eventsOf(type: string, since: number) {
  const events = await t.stripe.events.list({ type, limit: 100 });
  return events.data.filter((e) => e.created >= since);
}

describe('products and prices', () => {
  it('lists by lookup_keys, product and active; updates metadata', async () => {
    const found = await t.stripe.prices.list({ lookup_keys: ['pro_monthly'], expand: ['data.product'] });
    expect(found.data.map((p) => p.id)).toEqual([plan.id]);
    expect((found.data[0]!.product as Stripe.Product).name).toBe('Pro');
    expect((await t.stripe.prices.list({ product: plan.product as string })).data).toHaveLength(1);
    const updated = await t.stripe.prices.update(plan.id, { metadata: { credits: '1000' } });
    expect(updated.metadata).toEqual({ credits: '1000' });
    expect((await t.stripe.products.retrieve(plan.product as string)).name).toBe('Pro');
    expect((await t.stripe.products.list({ active: true })).data.length).toBeGreaterThanOrEqual(2);
  });
});

describe('subscriptions', () => {
  it('creates with a paid first invoice; periods live on the items', async () => {
    const { customer, pm } = await customerOnClock();
    const subscription = await t.stripe.subscriptions.create({ customer: customer.id, items: [{ price: plan.id }], metadata: { org: 'o1' }, expand: ['latest_invoice'] });
    expect(subscription.status).toBe('active');
    const item = subscription.items.data[0]!;
    expect(item.current_period_start).toBe(JAN_15);
    expect(item.current_period_end).toBe(FEB_15);
    const invoice = subscription.latest_invoice as Stripe.Invoice;
    expect(invoice).toMatchObject({ status: 'paid', billing_reason: 'subscription_create', amount_paid: 4900 });
    expect(invoice.parent?.subscription_details?.subscription).toBe(subscription.id);
    expect(invoice).not.toHaveProperty('payment_intent');
    const paymentIntent = await t.stripe.paymentIntents.retrieve(invoice.payments!.data[0]!.payment.payment_intent as string);
    expect(paymentIntent).toMatchObject({ status: 'succeeded', payment_method: pm.id });
    const list = await t.stripe.subscriptions.list({ customer: customer.id, status: 'active' });
    expect(list.data.map((s) => s.id)).toEqual([subscription.id]);
  });

  it('a test clock advanced one month produces a paid subscription_cycle invoice and its webhooks', async () => {
    const { clock, customer } = await customerOnClock();
    const subscription = await t.stripe.subscriptions.create({ customer: customer.id, items: [{ price: plan.id }] });
    const since = Math.floor(Date.now() / 1000) - 1;
    const advancing = await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: FEB_15 + 3600 });
    expect(advancing.status).toBe('advancing');
    await waitFor(async () => (await t.stripe.testHelpers.testClocks.retrieve(clock.id)).status === 'ready');
    const invoices = await t.stripe.invoices.list({ subscription: subscription.id });
    expect(invoices.data.map((i) => i.billing_reason)).toEqual(['subscription_cycle', 'subscription_create']);
    const renewal = invoices.data[0]!;
    expect(renewal).toMatchObject({ status: 'paid', amount_paid: 4900 });
    const line = renewal.lines.data[0]!;
    expect(line.period).toEqual({ start: FEB_15, end: Math.floor(Date.UTC(2027, 2, 15, 12) / 1000) });
    const renewed = await t.stripe.subscriptions.retrieve(subscription.id);
    expect(renewed.items.data[0]!.current_period_start).toBe(FEB_15);
    for (const type of ['invoice.created', 'invoice.finalized', 'invoice.paid', 'invoice.payment_succeeded']) {
      const events = await eventsOf(type, since);
      expect(
        events.some((e) => (e.data.object as Stripe.Invoice).id === renewal.id),
        type,
      ).toBe(true);
    }
    expect((await eventsOf('test_helpers.test_clock.ready', since)).length).toBeGreaterThan(0);
  });

  it('a declining renewal → invoice.payment_failed and past_due', async () => {
    const { clock, customer } = await customerOnClock('pm_card_chargeCustomerFail');
    const ok = await t.stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    const subscription = await t.stripe.subscriptions.create({ customer: customer.id, items: [{ price: plan.id }], default_payment_method: ok.id });
    expect(subscription.status).toBe('active');
    await t.stripe.subscriptions.update(subscription.id, { default_payment_method: '' } as never);
    await t.admin('POST', `test_clocks/${clock.id}/advance`, { frozen_time: FEB_15 + 60 });
    const after = await t.stripe.subscriptions.retrieve(subscription.id, { expand: ['latest_invoice'] });
    expect(after.status).toBe('past_due');
    expect((after.latest_invoice as Stripe.Invoice).status).toBe('open');
    const failed = await t.stripe.events.list({ type: 'invoice.payment_failed' });
    expect(failed.data.some((e) => (e.data.object as Stripe.Invoice).id === (after.latest_invoice as Stripe.Invoice).id)).toBe(true);
  });

  it('price change, cancel_at_period_end, and cancel', async () => {
    const { clock, customer } = await customerOnClock();
    const subscription = await t.stripe.subscriptions.create({ customer: customer.id, items: [{ price: plan.id }] });
    const changed = await t.stripe.subscriptions.update(subscription.id, {
      items: [{ id: subscription.items.data[0]!.id, price: bigPlan.id }],
      proration_behavior: 'always_invoice',
    });
    expect(changed.items.data[0]!.price.id).toBe(bigPlan.id);
    const invoices = await t.stripe.invoices.list({ subscription: subscription.id });
    expect(invoices.data[0]).toMatchObject({ billing_reason: 'subscription_update', status: 'paid', amount_paid: 5000 });
    const updatedEvent = (await t.stripe.events.list({ type: 'customer.subscription.updated' })).data.find(
      (e) => (e.data.object as Stripe.Subscription).id === subscription.id && (e.data.previous_attributes as Record<string, unknown> | undefined)?.items,
    );
    expect(updatedEvent).toBeDefined();
    const ending = await t.stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
    expect(ending).toMatchObject({ cancel_at_period_end: true, status: 'active', cancel_at: FEB_15 });
    await t.admin('POST', `test_clocks/${clock.id}/advance`, { frozen_time: FEB_15 + 60 });
    expect((await t.stripe.subscriptions.retrieve(subscription.id)).status).toBe('canceled');
    const other = await t.stripe.subscriptions.create({ customer: customer.id, items: [{ price: plan.id }] });
    const canceled = await t.stripe.subscriptions.cancel(other.id);
    expect(canceled.status).toBe('canceled');
    const deleted = await t.stripe.events.list({ type: 'customer.subscription.deleted' });
    expect(deleted.data.some((e) => (e.data.object as Stripe.Subscription).id === other.id)).toBe(true);
  });

  it('needs a payment method', async () => {
    const customer = await t.stripe.customers.create();
    const error = await stripeError(t.stripe.subscriptions.create({ customer: customer.id, items: [{ price: plan.id }] }));
    expect(error.statusCode).toBe(400);
  });

  it('test clocks: list and delete', async () => {
    const clock = await t.stripe.testHelpers.testClocks.create({ frozen_time: JAN_15, name: 'temp' });
    expect((await t.stripe.testHelpers.testClocks.list()).data.some((c) => c.id === clock.id)).toBe(true);
    expect((await t.stripe.testHelpers.testClocks.del(clock.id)).deleted).toBe(true);
  });
});
