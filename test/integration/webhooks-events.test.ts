import { eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { outgoingEvents, webhookDeliveries } from "@/db/schema";
import { recordEvent } from "@/lib/events/record-event";
import { getAutoTopupHistory } from "@/lib/api/billing/auto-topup";
import { topUpNow } from "@/lib/recharge/top-up-now";
import { deliverWebhook } from "@/lib/webhooks-out/deliver";
import { createEndpoint } from "@/lib/webhooks-out/endpoints";
import { makeBillingOrg } from "../support/billing-factories";
import { startBillingHarness, type BillingHarness } from "../support/billing-harness";
import { createTestDb, type TestDb } from "../support/test-db";
import { startWebhookReceiver } from "../support/webhook-receiver";

/** Billing state changes emit their events in the same transaction, and they reach the org's endpoint. */
let t: TestDb;
let h: BillingHarness;
let r: Awaited<ReturnType<typeof startWebhookReceiver>>;
beforeAll(async () => {
  t = await createTestDb();
  h = await startBillingHarness(t.db);
  r = await startWebhookReceiver();
});
afterAll(async () => {
  await r?.stop();
  await h?.stop();
  await t?.drop();
});

const eventsOf = (orgId: string) => t.db.select().from(outgoingEvents).where(eq(outgoingEvents.orgId, orgId)).orderBy(outgoingEvents.createdAt);

describe("events from billing", () => {
  it("Top Up Now emits recharge.succeeded with the charge as the history API returns it, delivered signed", async () => {
    const { org } = await makeBillingOrg(t.db, { card: "pm_card_visa" });
    const ep = await createEndpoint(t.db, org.id, { url: r.url, events: ["recharge.succeeded"] });
    if (!ep.ok) throw new Error(ep.message);
    expect(await topUpNow(t.db, { orgId: org.id, userId: null, packs: 2 })).toMatchObject({ ok: true, status: "succeeded" });
    const events = await eventsOf(org.id);
    expect(events.map((e) => e.type)).toEqual(["recharge.succeeded"]);
    const history = (await getAutoTopupHistory(t.db, org.id, {})).body as { charges: Record<string, unknown>[] };
    // the invoice links come later (the invoice.issue job after this transaction): the rest is the history's charge
    const { invoice_url: _u, invoice_pdf: _p, receipt_url: _r, ...charge } = history.charges[0]!;
    expect(events[0]!.data).toMatchObject(charge);
    expect(events[0]!.data).toMatchObject({ status: "succeeded", trigger: "manual", credits: 2000, balance_after: expect.any(Number) });

    const [d] = await t.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.eventId, events[0]!.id));
    expect(await deliverWebhook(t.db, d!.id)).toMatchObject({ result: "succeeded" });
    const got = r.received.at(-1)!;
    expect(new Webhook(ep.secret).verify(got.body, got.headers)).toMatchObject({ id: events[0]!.id, type: "recharge.succeeded", org_id: org.id });
  });

  it("a declined Top Up Now emits recharge.failed; 3-D Secure emits recharge.requires_action", async () => {
    const declined = await makeBillingOrg(t.db, { card: "pm_card_chargeCustomerFail", planId: "free" });
    await topUpNow(t.db, { orgId: declined.org.id, userId: null, packs: 1 });
    const [failed] = await eventsOf(declined.org.id);
    expect(failed).toMatchObject({ type: "recharge.failed", data: { status: "failed", failure_code: "card_declined" } });

    const threeDs = await makeBillingOrg(t.db, { card: "pm_card_authenticationRequired", planId: "free" });
    await topUpNow(t.db, { orgId: threeDs.org.id, userId: null, packs: 1 });
    expect((await eventsOf(threeDs.org.id)).map((e) => [e.type, (e.data as { status: string }).status])).toEqual([
      ["recharge.requires_action", "requires_action"],
    ]);
  });

  it("an event rolled back with its cause leaves no delivery", async () => {
    const { org } = await makeBillingOrg(t.db, { card: null, planId: "free" });
    await createEndpoint(t.db, org.id, { url: r.url, events: ["*"] });
    await expect(
      t.db.transaction(async (tx) => {
        await recordEvent(tx, { orgId: org.id, type: "balance.low", data: {}, dedupeKey: "rolled-back" });
        throw new Error("cause failed");
      }),
    ).rejects.toThrow("cause failed");
    expect(await t.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.orgId, org.id))).toEqual([]);
  });
});
