import { eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { memberships, outgoingEmails, webhookDeliveries, webhookDeliveryAttempts, webhookEndpoints } from "@/db/schema";
import { resetEnvCache } from "@/lib/env";
import { recordEvent } from "@/lib/events/record-event";
import { setJobSender, type JobName } from "@/lib/jobs/queue";
import { createUser } from "@/lib/orgs/create-user";
import { deliverWebhook } from "@/lib/webhooks-out/deliver";
import { resendDelivery } from "@/lib/webhooks-out/delivery-log";
import { createEndpoint, rotateEndpointSecret, setEndpointEnabled } from "@/lib/webhooks-out/endpoints";
import { makeOrg } from "../support/factories";
import { createTestDb, type TestDb } from "../support/test-db";
import { startWebhookReceiver } from "../support/webhook-receiver";

/** Outgoing webhooks against a real HTTP receiver: signatures, retries, the 5-day disable, rotation, redirects, SSRF. */
let t: TestDb;
const jobs: { name: JobName; data: Record<string, unknown>; tx: boolean; startAfterSeconds?: number }[] = [];
const receivers: { stop: () => Promise<void> }[] = [];

beforeAll(async () => {
  t = await createTestDb();
  setJobSender({ send: async (name, data, opts) => void jobs.push({ name, data, tx: !!opts?.db, startAfterSeconds: opts?.startAfterSeconds }) });
  process.env.APP_URL = "http://app.test";
  resetEnvCache();
});
afterEach(async () => {
  delete process.env.WEBHOOKS_ALLOW_PRIVATE_URLS;
  resetEnvCache();
  for (const r of receivers.splice(0)) await r.stop();
});
afterAll(async () => {
  setJobSender(null);
  await t?.drop();
});

async function receiver(reply?: Parameters<typeof startWebhookReceiver>[0]) {
  const r = await startWebhookReceiver(reply);
  receivers.push(r);
  return r;
}

async function orgWithEndpoint(url: string, events: string[] = ["*"]) {
  const org = await makeOrg(t.db);
  const owner = await createUser(t.db, { email: `owner-${org.slug}@example.test`, password: "password-123" });
  await t.db.insert(memberships).values({ orgId: org.id, userId: owner.id, role: "owner" });
  const created = await createEndpoint(t.db, org.id, { url, events: events as ["*"] });
  if (!created.ok) throw new Error(created.message);
  return { org, owner, endpoint: created.endpoint, secret: created.secret };
}

async function emit(orgId: string, key: string, type: "recharge.succeeded" | "balance.low" = "recharge.succeeded") {
  const { event } = await recordEvent(t.db, { orgId, type, data: { id: key, amount: 1000 }, dedupeKey: key });
  const [d] = await t.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.eventId, event.id));
  return { event, deliveryId: d?.id };
}

const at = (base: Date, ms: number) => new Date(base.getTime() + ms);

describe("outgoing webhooks", () => {
  it("fans an event out in its transaction and delivers it signed per Standard Webhooks", async () => {
    const r = await receiver();
    const { org, secret } = await orgWithEndpoint(`${r.url}/hooks`, ["recharge.succeeded"]);
    const before = jobs.length;
    const { event, deliveryId } = await emit(org.id, "ch_1");
    expect(deliveryId).toBeDefined();
    expect(jobs.slice(before)).toEqual([{ name: "webhooks.deliver", data: { deliveryId }, tx: true, startAfterSeconds: undefined }]);
    // not subscribed to balance.low: no delivery
    expect((await emit(org.id, "low_1", "balance.low")).deliveryId).toBeUndefined();

    expect(await deliverWebhook(t.db, deliveryId!)).toMatchObject({ result: "succeeded", attempt: 1, responseCode: 200 });
    expect(r.received).toHaveLength(1);
    const got = r.received[0]!;
    expect(got.path).toBe("/hooks");
    expect(got.headers["webhook-id"]).toBe(event.id);
    const verified = new Webhook(secret).verify(got.body, got.headers);
    expect(verified).toEqual({ id: event.id, type: "recharge.succeeded", created_at: event.created_at, org_id: org.id, data: { id: "ch_1", amount: 1000 } });
    // a second job for the same delivery finds nothing to do
    expect(await deliverWebhook(t.db, deliveryId!)).toEqual({ result: "skipped" });
    expect(r.received).toHaveLength(1);
  });

  it("a receiver failing 3 times then succeeding gets the event once, on the 5 s / 5 min / 30 min schedule", async () => {
    const r = await receiver((_req, n) => ({ status: n <= 3 ? 500 : 204 }));
    const { org, secret } = await orgWithEndpoint(r.url);
    const { event, deliveryId } = await emit(org.id, "ch_retry");
    const t0 = new Date();
    const first = await deliverWebhook(t.db, deliveryId!, { now: t0 });
    expect(first).toMatchObject({ result: "retrying", attempt: 1, responseCode: 500, nextAttemptAt: at(t0, 5_000) });
    // not due yet: nothing sent
    expect(await deliverWebhook(t.db, deliveryId!, { now: at(t0, 1_000) })).toEqual({ result: "skipped" });
    const second = await deliverWebhook(t.db, deliveryId!, { now: first.nextAttemptAt! });
    expect(second.nextAttemptAt).toEqual(at(first.nextAttemptAt!, 5 * 60_000));
    const third = await deliverWebhook(t.db, deliveryId!, { now: second.nextAttemptAt! });
    expect(third.nextAttemptAt).toEqual(at(second.nextAttemptAt!, 30 * 60_000));
    expect(await deliverWebhook(t.db, deliveryId!, { now: third.nextAttemptAt! })).toMatchObject({ result: "succeeded", attempt: 4, responseCode: 204 });
    expect(await deliverWebhook(t.db, deliveryId!, { now: at(t0, 86400_000) })).toEqual({ result: "skipped" });

    expect(r.received.map((x) => x.answered)).toEqual([500, 500, 500, 204]);
    expect(r.received.filter((x) => x.answered < 300)).toHaveLength(1); // received exactly once
    expect(new Set(r.received.map((x) => x.headers["webhook-id"]))).toEqual(new Set([event.id]));
    for (const x of r.received) expect(() => new Webhook(secret).verify(x.body, x.headers)).not.toThrow();
    // each retry's job is queued in the attempt's transaction with its delay
    expect(jobs.filter((j) => j.data.deliveryId === deliveryId && j.startAfterSeconds).map((j) => j.startAfterSeconds)).toEqual([5, 300, 1800]);
    const attempts = await t.db
      .select()
      .from(webhookDeliveryAttempts)
      .where(eq(webhookDeliveryAttempts.deliveryId, deliveryId!))
      .orderBy(webhookDeliveryAttempts.attempt);
    expect(attempts.map((a) => [a.attempt, a.status, a.responseCode, a.nextRetryAt?.getTime() ?? null])).toEqual([
      [1, "failed", 500, at(t0, 5_000).getTime()],
      [2, "failed", 500, second.nextAttemptAt!.getTime()],
      [3, "failed", 500, third.nextAttemptAt!.getTime()],
      [4, "succeeded", 204, null],
    ]);
    for (const a of attempts) expect(a.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("an always-failing endpoint gives up after 8 attempts, is disabled after 5 days of failures and its owners are emailed", async () => {
    const r = await receiver(() => ({ status: 503 }));
    const { org, owner, endpoint } = await orgWithEndpoint(r.url);
    const t0 = new Date();
    const a = await emit(org.id, "ch_fail_1");
    let now = t0;
    const results = [];
    for (let i = 0; i < 8; i++) {
      const res = await deliverWebhook(t.db, a.deliveryId!, { now });
      results.push(res.result);
      if (res.nextAttemptAt) now = res.nextAttemptAt;
    }
    expect(results).toEqual([...Array(7).fill("retrying"), "failed"]);
    expect(now.getTime() - t0.getTime()).toBe((5 + 300 + 1800 + 7200 + 18000 + 36000 + 36000) * 1000);
    const [d] = await t.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, a.deliveryId!));
    expect(d).toMatchObject({ status: "failed", attempts: 8, nextAttemptAt: null, lastResponseCode: 503 });

    // day 3: still failing, still enabled
    const b = await emit(org.id, "ch_fail_2");
    expect(await deliverWebhook(t.db, b.deliveryId!, { now: at(t0, 3 * 86400_000) })).toMatchObject({ result: "retrying", disabledEndpoint: false });
    // day 5: disabled, the owner emailed once
    const c = await emit(org.id, "ch_fail_3");
    expect(await deliverWebhook(t.db, c.deliveryId!, { now: at(t0, 5 * 86400_000) })).toMatchObject({ result: "retrying", disabledEndpoint: true });
    const [e] = await t.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id));
    expect(e).toMatchObject({ status: "disabled", disabledReason: "Deliveries failed continuously for 5 days (last error: HTTP 503)" });
    const mails = await t.db.select().from(outgoingEmails).where(eq(outgoingEmails.orgId, org.id));
    expect(mails.map((m) => [m.kind, m.to])).toEqual([["webhook_endpoint_disabled", owner.email]]);
    expect(mails[0]!.text).toContain(r.url);
    expect(mails[0]!.text).toContain(`http://app.test/${org.slug}/settings/developers`);
    // its pending retries stop, and new events are not fanned out to it
    expect(await deliverWebhook(t.db, b.deliveryId!, { now: at(t0, 6 * 86400_000) })).toEqual({ result: "endpoint_disabled" });
    expect((await emit(org.id, "ch_after")).deliveryId).toBeUndefined();
    expect(await resendDelivery(t.db, org.id, a.deliveryId!)).toMatchObject({ ok: false, code: "endpoint_disabled" });
    // enabling starts a new streak
    await setEndpointEnabled(t.db, org.id, endpoint.id, true);
    const [re] = await t.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id));
    expect(re).toMatchObject({ status: "enabled", failingSince: null, disabledReason: null });
  });

  it("a success ends the failure streak: failures with successes between never disable", async () => {
    let fail = true;
    const r = await receiver(() => ({ status: fail ? 500 : 200 }));
    const { org, endpoint } = await orgWithEndpoint(r.url);
    const t0 = new Date();
    await deliverWebhook(t.db, (await emit(org.id, "s1")).deliveryId!, { now: t0 });
    fail = false;
    await deliverWebhook(t.db, (await emit(org.id, "s2")).deliveryId!, { now: at(t0, 2 * 86400_000) });
    fail = true;
    const res = await deliverWebhook(t.db, (await emit(org.id, "s3")).deliveryId!, { now: at(t0, 6 * 86400_000) });
    expect(res.disabledEndpoint).toBe(false);
    const [e] = await t.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id));
    expect(e!.status).toBe("enabled");
    expect(e!.failingSince).toEqual(at(t0, 6 * 86400_000));
  });

  it("after a rotation both secrets verify for 24 h, then only the new one", async () => {
    const r = await receiver();
    const { org, endpoint, secret: oldSecret } = await orgWithEndpoint(r.url);
    const t0 = new Date();
    const newSecret = await rotateEndpointSecret(t.db, org.id, endpoint.id, t0);
    expect(newSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(newSecret).not.toBe(oldSecret);
    await deliverWebhook(t.db, (await emit(org.id, "rot1")).deliveryId!, { now: at(t0, 23 * 3600_000) });
    const during = r.received[0]!;
    expect(during.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    for (const s of [oldSecret, newSecret!]) expect(() => new Webhook(s).verify(during.body, during.headers)).not.toThrow();

    await deliverWebhook(t.db, (await emit(org.id, "rot2")).deliveryId!, { now: at(t0, 24 * 3600_000) });
    const after = r.received[1]!;
    expect(after.headers["webhook-signature"]!.split(" ")).toHaveLength(1);
    expect(() => new Webhook(newSecret!).verify(after.body, after.headers)).not.toThrow();
    expect(() => new Webhook(oldSecret).verify(after.body, after.headers)).toThrow();
    expect(await rotateEndpointSecret(t.db, (await makeOrg(t.db)).id, endpoint.id)).toBeNull(); // another org's endpoint
  });

  it("never follows a redirect: a 3xx is a failed attempt", async () => {
    const r = await receiver((req) => (req.path === "/moved" ? { status: 308, headers: { location: "/target" } } : { status: 200 }));
    const { org } = await orgWithEndpoint(`${r.url}/moved`);
    const res = await deliverWebhook(t.db, (await emit(org.id, "redir")).deliveryId!);
    expect(res).toMatchObject({ result: "retrying", responseCode: 308 });
    expect(r.received.map((x) => x.path)).toEqual(["/moved"]);
    const [a] = await t.db.select().from(webhookDeliveryAttempts).where(eq(webhookDeliveryAttempts.orgId, org.id));
    expect(a!.error).toBe("HTTP 308 (redirects are not followed)");
  });

  it("resend: a new delivery of the same event with the same webhook-id", async () => {
    const r = await receiver();
    const { org } = await orgWithEndpoint(r.url);
    const { event, deliveryId } = await emit(org.id, "again");
    await deliverWebhook(t.db, deliveryId!);
    const resent = await resendDelivery(t.db, org.id, deliveryId!);
    expect(resent.ok).toBe(true);
    await deliverWebhook(t.db, (resent as { deliveryId: string }).deliveryId);
    expect(r.received.map((x) => x.headers["webhook-id"])).toEqual([event.id, event.id]);
    expect(await resendDelivery(t.db, (await makeOrg(t.db)).id, deliveryId!)).toMatchObject({ ok: false, code: "not_found" });
  });

  it("in production, refuses private and loopback URLs at creation and at delivery, after DNS", async () => {
    process.env.WEBHOOKS_ALLOW_PRIVATE_URLS = "0";
    resetEnvCache();
    const org = await makeOrg(t.db);
    for (const url of ["http://127.0.0.1:9/hooks", "https://127.0.0.1/hooks", "https://localhost/hooks", "https://[::1]/", "https://169.254.169.254/"]) {
      const res = await createEndpoint(t.db, org.id, { url, events: ["*"] });
      expect(res.ok, url).toBe(false);
    }
    // an endpoint made while private URLs were allowed is refused at delivery: no request leaves
    const r = await receiver();
    const [e] = await t.db
      .insert(webhookEndpoints)
      .values({ orgId: org.id, url: r.url, events: ["*"], secret: "whsec_dGVzdHRlc3R0ZXN0dGVzdHRlc3R0ZXN0dGVzdA==" })
      .returning();
    const res = await deliverWebhook(t.db, (await emit(org.id, "ssrf")).deliveryId!);
    expect(res).toMatchObject({ result: "retrying", responseCode: null });
    const [a] = await t.db.select().from(webhookDeliveryAttempts).where(eq(webhookDeliveryAttempts.endpointId, e!.id));
    expect(a!.error).toBe("Refused: 127.0.0.1 resolves to a non-public address (127.0.0.1)");
    expect(r.received).toHaveLength(0);
  });
});
