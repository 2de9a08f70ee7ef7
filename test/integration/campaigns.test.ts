import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as resumeRoute } from "@/app/api/v1/campaigns/[id]/resume/route";
import { DELETE as deleteRoute, GET as getRoute } from "@/app/api/v1/campaigns/[id]/route";
import { GET as listRoute, POST as createRoute } from "@/app/api/v1/campaigns/route";
import { getDbHandle } from "@/db/client";
import { createApiKey } from "@/lib/api-keys/manage-api-keys";
import { pauseLowBalanceCampaigns, sweepCampaignAutopause } from "@/lib/campaigns/autopause";
import { campaignGateLoadsIdle, campaignsAfterDebit } from "@/lib/campaigns/campaign-gate";
import { resumeCampaigns } from "@/lib/campaigns/resume";
import { resetEnvCache } from "@/lib/env";
import { runJob } from "@/lib/jobs/handlers";
import { handOffsIdle, setJobSender, type JobName } from "@/lib/jobs/queue";
import { creditTopup, debitCredits } from "@/lib/ledger";
import { createDebitCoalescer } from "@/lib/ledger/group-commit";
import { afterDebitFlush } from "@/lib/usage/after-debit";
import { makeOrg } from "../support/factories";
import { createTestDb, type TestDb } from "../support/test-db";

/** Campaign autopause on real Postgres: the debit gate, exactly-once pauses under concurrency, the sweep, resume, the REST API. */
let t: TestDb;
const handOffs: { name: JobName; data: Record<string, unknown> }[] = [];
beforeAll(async () => {
  t = await createTestDb();
  process.env.DATABASE_URL = t.url; // the routes use the app's pool
  resetEnvCache();
  setJobSender({
    send: async () => {},
    handOff: async (db, name, data) => {
      handOffs.push({ name, data });
      await runJob(db ?? t.db, name, data);
    },
  });
});
afterAll(async () => {
  setJobSender(null);
  await getDbHandle().close();
  await t?.drop();
});

const base = "http://app.test/api/v1";
type Handler = (r: Request, c?: { params: Promise<{ id: string }> }) => Promise<Response>;
async function call(handler: Handler, key: string, method: string, path: string, body?: unknown, id?: string) {
  const req = new Request(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const res = await handler(req, id === undefined ? undefined : { params: Promise.resolve({ id }) });
  return { status: res.status, body: await res.json() };
}

async function orgWithKeys(topup: number) {
  const org = await makeOrg(t.db, { topup }); // Starter: Basic 5, Premium 8 credits a minute
  const rw = await createApiKey(t.db, org.id, null, { name: "rw", scopes: ["billing:read", "billing:write"] });
  const ro = await createApiKey(t.db, org.id, null, { name: "ro", scopes: ["billing:read"] });
  const usage = await createApiKey(t.db, org.id, null, { name: "usage", scopes: ["usage:write"] });
  return { org, rw: rw.secret, ro: ro.secret, usage: usage.secret };
}
const create = (key: string, body: unknown) => call(createRoute as Handler, key, "POST", "/campaigns", body);
const pausedEvents = (orgId: string) =>
  t.sql`SELECT type, data, dedupe_key FROM outgoing_events WHERE org_id = ${orgId} AND type LIKE 'campaign.%' ORDER BY created_at, id`;

describe("campaign autopause", () => {
  it("100 concurrent debits crossing the minimums pause each affected campaign exactly once, one campaign.paused event each", async () => {
    const { org, rw } = await orgWithKeys(105);
    const premium = (await create(rw, { name: "Outbound Premium", tier: "premium" })).body;
    const custom = (await create(rw, { name: "Big basic", tier: "basic", min_balance: 100 })).body;
    const basic = (await create(rw, { name: "Basic", tier: "basic" })).body;
    expect([premium.min_balance, custom.min_balance, basic.min_balance]).toEqual([8, 100, 5]);

    const coalescer = createDebitCoalescer(t.db, { afterFlush: (orgId, flush) => afterDebitFlush(t.db, orgId, flush) });
    const results = await Promise.all(Array.from({ length: 100 }, () => coalescer.debit(org.id, [{ quantity: 1 }])));
    expect(results.flat().every((r) => r.ok)).toBe(true);
    await coalescer.idle();
    await campaignGateLoadsIdle();
    await handOffsIdle();
    expect(await pausedEvents(org.id)).toHaveLength(2); // paused by the debit path's hand-offs
    // and concurrent checks on top (other processes, the sweep): still once
    await Promise.all(Array.from({ length: 20 }, () => pauseLowBalanceCampaigns(t.db, org.id)));

    const events = await pausedEvents(org.id);
    expect(events.map((e) => [e.type, e.data.id]).sort()).toEqual(
      [
        ["campaign.paused", custom.id],
        ["campaign.paused", premium.id],
      ].sort(),
    );
    expect(events[0]!.data).toMatchObject({ status: "paused", paused_reason: "low_balance", available: 5 });
    const got = (id: string) => call(getRoute as Handler, rw, "GET", `/campaigns/${id}`, undefined, id);
    expect((await got(premium.id)).body).toMatchObject({ status: "paused", paused_reason: "low_balance", paused_at: expect.any(String) });
    expect((await got(custom.id)).body).toMatchObject({ status: "paused", paused_reason: "low_balance" });
    expect((await got(basic.id)).body).toMatchObject({ status: "active", paused_reason: null, paused_at: null }); // 5 available, minimum 5
  }, 120_000);

  it("the debit path's gate: no check at or above the highest minimum, one hand-off below it", async () => {
    const { org, rw } = await orgWithKeys(500);
    await create(rw, { name: "P", tier: "premium", min_balance: 100 });
    await pauseLowBalanceCampaigns(t.db, org.id); // fills this process's gate (level 100)
    const checks = () => handOffs.filter((h) => h.name === "campaigns.check" && h.data.orgId === org.id).length;
    campaignsAfterDebit(t.db, org.id, 400);
    campaignsAfterDebit(t.db, org.id, 100);
    expect(checks()).toBe(0);
    await debitCredits(t.db, org.id, [{ quantity: 420 }]);
    campaignsAfterDebit(t.db, org.id, 80);
    await handOffsIdle();
    expect(checks()).toBe(1);
    expect((await pausedEvents(org.id)).map((e) => e.type)).toEqual(["campaign.paused"]);
  });

  it("the sweep finds a crossing whose check never ran (a crash after the debit's commit)", async () => {
    const { org, rw } = await orgWithKeys(300);
    const c = (await create(rw, { name: "P", tier: "premium", min_balance: 250 })).body;
    await debitCredits(t.db, org.id, [{ quantity: 100 }]); // no check ran
    expect(await sweepCampaignAutopause(t.db)).toBeGreaterThanOrEqual(1);
    expect((await pausedEvents(org.id)).map((e) => [e.type, e.data.id])).toEqual([["campaign.paused", c.id]]);
    await sweepCampaignAutopause(t.db);
    expect(await pausedEvents(org.id)).toHaveLength(1); // nothing new
  });

  it("no auto-resume; the API's resume is refused (409, with the reason) below the minimum, accepted at it, once", async () => {
    const { org, rw } = await orgWithKeys(50);
    const c = (await create(rw, { name: "P", tier: "premium", min_balance: 60 })).body;
    expect(c).toMatchObject({ status: "paused", paused_reason: "low_balance" }); // registered below its minimum: paused at once
    const resume = () => call(resumeRoute as Handler, rw, "POST", `/campaigns/${c.id}/resume`, undefined, c.id);
    const refused = await resume();
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: "conflict", reason: "below_minimum", min_balance: 60, available: 50 });

    await creditTopup(t.db, { orgId: org.id, credits: 10, kind: "adjustment", reference: "t", idempotencyKey: "t:resume" });
    await sweepCampaignAutopause(t.db);
    expect((await call(getRoute as Handler, rw, "GET", `/campaigns/${c.id}`, undefined, c.id)).body.status).toBe("paused"); // never by itself

    const ok = await resume();
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: "active", paused_reason: null, paused_at: null });
    expect((await resume()).status).toBe(200); // already active: as it is
    expect((await pausedEvents(org.id)).map((e) => e.type)).toEqual(["campaign.paused", "campaign.resumed"]);
  });

  it("after a Basic recharge a Premium campaign stays paused (tier not covered); a Premium one resumes both", async () => {
    const { org, rw } = await orgWithKeys(3);
    const p = (await create(rw, { name: "P", tier: "premium" })).body;
    const b = (await create(rw, { name: "B", tier: "basic" })).body;
    await creditTopup(t.db, { orgId: org.id, credits: 100, kind: "adjustment", reference: "t", idempotencyKey: "t:tier" });
    const afterBasic = await resumeCampaigns(t.db, { orgId: org.id, ids: [p.id, b.id], rechargeTier: "basic" });
    expect(afterBasic.resumed.map((c) => c.id)).toEqual([b.id]);
    expect(afterBasic.refused.map((r) => [r.campaign.id, r.reason])).toEqual([[p.id, "tier_not_covered"]]);
    const afterPremium = await resumeCampaigns(t.db, { orgId: org.id, ids: [p.id], rechargeTier: "premium" });
    expect(afterPremium.resumed.map((c) => c.id)).toEqual([p.id]);
  });
});

describe("/api/v1/campaigns", () => {
  it("creates (201), lists, reads, deletes; scopes; 404 for unknown, malformed and foreign ids", async () => {
    const { rw, ro, usage } = await orgWithKeys(1000);
    const created = await create(rw, { name: "  Spring outbound ", tier: "premium", external_id: "cmp_1" });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      name: "Spring outbound",
      tier: "premium",
      external_id: "cmp_1",
      status: "active",
      paused_reason: null,
      paused_at: null,
      min_balance: 8,
      min_balance_default: true,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const id = created.body.id as string;
    for (const key of [ro, usage, rw]) {
      expect((await call(listRoute as Handler, key, "GET", "/campaigns")).body.campaigns.map((c: { id: string }) => c.id)).toEqual([id]);
      expect((await call(getRoute as Handler, key, "GET", `/campaigns/${id}`, undefined, id)).status).toBe(200);
    }
    expect((await create(ro, { name: "x", tier: "basic" })).status).toBe(403);
    expect((await create(usage, { name: "x", tier: "basic" })).status).toBe(403);
    expect((await call(deleteRoute as Handler, ro, "DELETE", `/campaigns/${id}`, undefined, id)).status).toBe(403);
    expect((await create(rw, { name: "dup", tier: "basic", external_id: "cmp_1" })).body.error).toMatchObject({
      code: "conflict",
      reason: "external_id_taken",
    });

    const other = await orgWithKeys(10);
    for (const bad of [id, "not-a-uuid", "00000000-0000-4000-8000-000000000000"]) {
      expect((await call(getRoute as Handler, other.rw, "GET", `/campaigns/${bad}`, undefined, bad)).status).toBe(404);
      expect((await call(deleteRoute as Handler, other.rw, "DELETE", `/campaigns/${bad}`, undefined, bad)).status).toBe(404);
      expect((await call(resumeRoute as Handler, other.rw, "POST", `/campaigns/${bad}/resume`, undefined, bad)).status).toBe(404);
    }
    expect((await call(deleteRoute as Handler, rw, "DELETE", `/campaigns/${id}`, undefined, id)).body).toEqual({ id, deleted: true });
    expect((await call(getRoute as Handler, rw, "GET", `/campaigns/${id}`, undefined, id)).status).toBe(404);
  });

  it.each([
    ["no name", { tier: "basic" }, "name"],
    ["empty name", { name: "  ", tier: "basic" }, "name"],
    ["name with a NUL", { name: "a\u0000b", tier: "basic" }, "name"],
    ["name too long", { name: "x".repeat(201), tier: "basic" }, "name"],
    ["no tier", { name: "x" }, "tier"],
    ["unknown tier", { name: "x", tier: "gold" }, "tier"],
    ["min_balance 0", { name: "x", tier: "basic", min_balance: 0 }, "min_balance"],
    ["min_balance negative", { name: "x", tier: "basic", min_balance: -5 }, "min_balance"],
    ["min_balance fractional", { name: "x", tier: "basic", min_balance: 1.5 }, "min_balance"],
    ["min_balance a string", { name: "x", tier: "basic", min_balance: "10" }, "min_balance"],
    ["min_balance too large", { name: "x", tier: "basic", min_balance: 1e12 }, "min_balance"],
    ["external_id empty", { name: "x", tier: "basic", external_id: "" }, "external_id"],
    ["external_id a number", { name: "x", tier: "basic", external_id: 7 }, "external_id"],
  ])("422 %s → error.fields.%s, nothing created", async (_label, body, field) => {
    const { rw } = await orgWithKeys(10);
    const r = await create(rw, body);
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe("invalid_request");
    expect(Object.keys(r.body.error.fields)).toContain(field);
    expect((await call(listRoute as Handler, rw, "GET", "/campaigns")).body.campaigns).toEqual([]);
  });

  it("422 for a body that is not JSON or not an object", async () => {
    const { rw } = await orgWithKeys(10);
    expect((await create(rw, "{nope")).status).toBe(422);
    expect((await create(rw, "[1]")).status).toBe(422);
  });
});
