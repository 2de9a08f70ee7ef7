import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvCache } from "@/lib/env";
import { resetStripeClient } from "@/lib/stripe/client";
import { handleStripeWebhook } from "@/lib/billing-events/webhooks/handle-webhook";
import { createTestDb, type TestDb } from "../support/test-db";

// Validly signed but malformed events are the sender's error (400), not ours (500), and write nothing.
const SECRET = "whsec_test_malformed_events";
let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
  process.env.STRIPE_WEBHOOK_SECRET = SECRET;
  process.env.STRIPE_SECRET_KEY ??= "sk_test_malformed";
  resetEnvCache();
  resetStripeClient();
});
afterAll(async () => {
  await t.drop();
});

const sign = (payload: string) => Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET });
const eventsCount = async () => (await t.sql`SELECT count(*)::int AS n FROM stripe_events`)[0]!.n as number;

describe("signed, malformed webhook events → 400, nothing written", () => {
  it.each([
    ["no id", { object: "event", type: "invoice.paid", data: { object: { object: "invoice" } } }],
    ["no data", { id: "evt_no_data", object: "event", type: "invoice.paid" }],
    ["data without object", { id: "evt_no_obj", object: "event", type: "payment_intent.succeeded", data: {} }],
    ["data.object null", { id: "evt_null_obj", object: "event", type: "payment_intent.succeeded", data: { object: null } }],
    ["no type", { id: "evt_no_type", object: "event", data: { object: {} } }],
    ["numeric id", { id: 42, object: "event", type: "invoice.paid", data: { object: {} } }],
    ["id with NUL", { id: "evt_\u0000", object: "event", type: "invoice.paid", data: { object: {} } }],
    ["an array", [1, 2, 3]],
    ["a string", "hello"],
  ])("%s", async (_name, event) => {
    const payload = JSON.stringify(event);
    const before = await eventsCount();
    const r = await handleStripeWebhook(t.db, payload, sign(payload));
    expect(r.status).toBe(400);
    expect(r.body.error).toMatch(/Malformed event/);
    expect(await eventsCount()).toBe(before);
  });

  it("a well-formed event of an unhandled type is still acknowledged (200 ignored)", async () => {
    const payload = JSON.stringify({ id: "evt_fine", object: "event", type: "charge.dispute.updated", data: { object: {} } });
    expect(await handleStripeWebhook(t.db, payload, sign(payload))).toMatchObject({ status: 200, body: { result: "ignored: event type not handled" } });
  });
});
