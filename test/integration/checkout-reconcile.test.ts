import Stripe from "stripe";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { getBalance } from "@/lib/ledger";
import { createBuyCreditsCheckout } from "@/lib/stripe/checkout";
import { reconcileCheckoutSessions } from "@/lib/billing-events/checkout-settle";
import { syncCheckoutReturn } from "@/lib/billing-events/checkout-return";
import { getStripe } from "@/lib/stripe/client";
import { handleStripeWebhook } from "@/lib/billing-events/webhooks/handle-webhook";
import { makeBillingOrg } from "../support/billing-factories";
import { eventually, startBillingHarness, type BillingHarness } from "../support/billing-harness";
import { ledgerMismatches } from "../support/invariants";
import { createTestDb, type TestDb } from "../support/test-db";

let t: TestDb;
let h: BillingHarness;
beforeAll(async () => {
  t = await createTestDb();
  h = await startBillingHarness(t.db);
});
afterEach(async () => {
  await h.emu.admin("POST", "faults", { drop_webhooks: false }); // webhooks delivered again
});
afterAll(async () => {
  await h?.stop();
  await t?.drop();
});

const urls = { successUrl: "http://app.test/ok?session_id={CHECKOUT_SESSION_ID}", cancelUrl: "http://app.test/cancel" };
/** the sweep's clock: past the webhook's head start */
const later = () => new Date(Date.now() + 5 * 60_000);
const purchases = (orgId: string) => t.sql`SELECT delta, idempotency_key FROM ledger_entries WHERE org_id = ${orgId} AND kind = 'purchase'`;
const rowOf = async (id: string) => (await t.sql`SELECT status, completed_at, checked_at FROM checkout_sessions WHERE id = ${id}`)[0]!;

/** A paid Buy Credits Checkout whose `checkout.session.completed` webhook is lost (recorded, never delivered). */
async function paidWithWebhookLost(packs: number) {
  const { org } = await makeBillingOrg(t.db, { planId: "free", card: null });
  const checkout = await createBuyCreditsCheckout(t.db, { orgId: org.id, userId: null, packs, ...urls });
  await h.emu.admin("POST", "faults", { drop_webhooks: true }); // webhook lost
  const done = await h.emu.admin<{ step: { kind: string }; session: { payment_status: string } }>("POST", `checkout_sessions/${checkout.id}/complete`, {
    card_number: "4242424242424242",
  });
  expect(done.session.payment_status).toBe("paid");
  return { org, checkout };
}

describe("Checkout Sessions reconciled (webhook lost)", () => {
  it("the sweep credits a paid session once and closes the row; a second sweep changes nothing", async () => {
    const { org, checkout } = await paidWithWebhookLost(2);
    expect((await getBalance(t.db, org.id)).topupCredits).toBe(0);
    const first = await reconcileCheckoutSessions(t.db, { now: later() });
    expect(first.find((r) => r.sessionId === checkout.id)).toMatchObject({ status: "complete", credited: true });
    expect(await reconcileCheckoutSessions(t.db, { now: later() })).not.toContainEqual(expect.objectContaining({ sessionId: checkout.id }));
    expect((await getBalance(t.db, org.id)).topupCredits).toBe(200);
    expect(await purchases(org.id)).toEqual([{ delta: 200, idempotency_key: `checkout:${checkout.id}` }]);
    expect(await rowOf(checkout.id)).toMatchObject({ status: "complete", completed_at: expect.anything() });
  });

  it("a session younger than the webhook's head start is left to the webhook", async () => {
    const { checkout } = await paidWithWebhookLost(1);
    expect(await reconcileCheckoutSessions(t.db)).not.toContainEqual(expect.objectContaining({ sessionId: checkout.id }));
    expect((await rowOf(checkout.id)).status).toBe("open");
  });

  it("the return page's server function credits it once (and only for the session's own org)", async () => {
    const { org, checkout } = await paidWithWebhookLost(3);
    const other = await makeBillingOrg(t.db, { planId: "free" });
    expect(await syncCheckoutReturn(t.db, { orgId: other.org.id, sessionId: checkout.id })).toEqual({ synced: false });
    expect((await getBalance(t.db, org.id)).topupCredits).toBe(0);
    expect(await syncCheckoutReturn(t.db, { orgId: org.id, sessionId: checkout.id })).toMatchObject({ synced: true, mode: "payment", paid: true });
    await syncCheckoutReturn(t.db, { orgId: org.id, sessionId: checkout.id }); // the owner reloads the page
    expect((await getBalance(t.db, org.id)).topupCredits).toBe(300);
    expect(await purchases(org.id)).toHaveLength(1);
    expect(await reconcileCheckoutSessions(t.db, { now: later() })).not.toContainEqual(expect.objectContaining({ sessionId: checkout.id }));
  });

  it("webhook, return page and sweep racing (each twice): credited once", async () => {
    const { org, checkout } = await paidWithWebhookLost(4);
    const { data } = await h.emu.admin<{ data: { data: { object: { id: string } } }[] }>("GET", "events?type=checkout.session.completed");
    const event = data.find((e) => e.data.object.id === checkout.id)!;
    const payload = JSON.stringify(event);
    const sign = () => Stripe.webhooks.generateTestHeaderString({ payload, secret: h.emu.webhookSecret });
    const results = await Promise.all([
      handleStripeWebhook(t.db, payload, sign()),
      reconcileCheckoutSessions(t.db, { now: later() }),
      syncCheckoutReturn(t.db, { orgId: org.id, sessionId: checkout.id }),
      handleStripeWebhook(t.db, payload, sign()),
      reconcileCheckoutSessions(t.db, { now: later() }),
      syncCheckoutReturn(t.db, { orgId: org.id, sessionId: checkout.id }),
    ]);
    expect(results[0]).toMatchObject({ status: 200 });
    expect((await getBalance(t.db, org.id)).topupCredits).toBe(400);
    expect(await purchases(org.id)).toEqual([{ delta: 400, idempotency_key: `checkout:${checkout.id}` }]);
  });

  it("an expired session is closed without credits; an unpaid open one stays open", async () => {
    const { org } = await makeBillingOrg(t.db, { planId: "free", card: null });
    const expired = await createBuyCreditsCheckout(t.db, { orgId: org.id, userId: null, packs: 1, ...urls });
    const open = await createBuyCreditsCheckout(t.db, { orgId: org.id, userId: null, packs: 1, ...urls });
    await getStripe().checkout.sessions.expire(expired.id);
    const r = await reconcileCheckoutSessions(t.db, { now: later() });
    expect(r.find((x) => x.sessionId === expired.id)).toMatchObject({ status: "expired", credited: false });
    expect(r.find((x) => x.sessionId === open.id)).toMatchObject({ status: "open", credited: false });
    expect(await rowOf(expired.id)).toMatchObject({ status: "expired", completed_at: null });
    expect((await getBalance(t.db, org.id)).topupCredits).toBe(0);
  });

  it("with the webhook delivered, the row is closed by it and the sweep has nothing to do", async () => {
    const { org } = await makeBillingOrg(t.db, { planId: "free", card: null });
    const checkout = await createBuyCreditsCheckout(t.db, { orgId: org.id, userId: null, packs: 1, ...urls });
    await h.emu.admin("POST", `checkout_sessions/${checkout.id}/complete`, { card_number: "4242424242424242" });
    await eventually(async () => (await rowOf(checkout.id)).status === "complete", 10_000, "the webhook closing the row");
    expect(await reconcileCheckoutSessions(t.db, { now: later() })).not.toContainEqual(expect.objectContaining({ sessionId: checkout.id }));
    expect((await getBalance(t.db, org.id)).topupCredits).toBe(100);
  });

  it("keeps balance == sum(entries)", async () => {
    expect(await ledgerMismatches(t.sql)).toEqual([]);
  });
});
