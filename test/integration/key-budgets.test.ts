import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "@/db/client";
import { memberships } from "@/db/schema";
import { resetEnvCache } from "@/lib/env";
import { setJobSender, type JobSender } from "@/lib/jobs/queue";
import { createJobSender } from "@/lib/jobs/worker";
import { createApiKey } from "@/lib/api-keys/manage-api-keys";
import { setKeyBudget } from "@/lib/api-keys/key-budgets";
import { writeBudgetAlerts } from "@/lib/api-keys/budget-alerts";
import { debitLocked } from "@/lib/ledger/debit";
import { createHold } from "@/lib/ledger/holds";
import { captureHold } from "@/lib/ledger/hold-capture";
import { createUser } from "@/lib/orgs/create-user";
import { makeOrg } from "../support/factories";
import { ledgerMismatches } from "../support/invariants";
import { createTestDb, type TestDb } from "../support/test-db";

// Budgets per API key against a real database: the REST endpoints, 402 budget_exceeded on the usage
// endpoints (route handlers), alerts once per level, two pools (two "processes") racing one budget, and a
// month boundary in a time zone ahead of UTC.
let t: TestDb;
let usage: typeof import("@/app/api/v1/usage/route");
let batch: typeof import("@/app/api/v1/usage/batch/route");
let keysRoute: typeof import("@/app/api/v1/api-keys/route");
let budgetRoute: typeof import("@/app/api/v1/api-keys/[id]/budget/route");
let boss: JobSender & { stop: () => Promise<void> };

beforeAll(async () => {
  t = await createTestDb();
  process.env.DATABASE_URL = t.url;
  resetEnvCache();
  boss = await createJobSender(t.url, t.db); // emails' delivery jobs are written in the debit's transaction
  setJobSender(boss);
  usage = await import("@/app/api/v1/usage/route");
  batch = await import("@/app/api/v1/usage/batch/route");
  keysRoute = await import("@/app/api/v1/api-keys/route");
  budgetRoute = await import("@/app/api/v1/api-keys/[id]/budget/route");
});
afterAll(async () => {
  setJobSender(null);
  await boss?.stop();
  const { getDbHandle } = await import("@/db/client");
  await getDbHandle().close();
  await t.drop();
});

const auth = (key: string) => ({ "content-type": "application/json", authorization: `Bearer ${key}` });
const postUsage = (key: string, body: unknown) =>
  usage.POST(new Request("http://x/api/v1/usage", { method: "POST", headers: auth(key), body: JSON.stringify(body) }));
const putBudget = (admin: string, id: string, body: unknown) =>
  budgetRoute.PUT(new Request(`http://x/api/v1/api-keys/${id}/budget`, { method: "PUT", headers: auth(admin), body: JSON.stringify(body) }), {
    params: Promise.resolve({ id }),
  });

async function orgWithKeys() {
  const org = await makeOrg(t.db, { plan: 1000 });
  const owner = await createUser(t.db, { email: `owner-${org.slug}@test.local`, password: "x".repeat(12) });
  await t.db.insert(memberships).values({ orgId: org.id, userId: owner.id, role: "owner" });
  const agent = await createApiKey(t.db, org.id, null, { name: "agent", scopes: ["usage:write"] });
  const admin = await createApiKey(t.db, org.id, null, { name: "admin", scopes: ["billing:read", "billing:write"] });
  return { org, agent, admin };
}

describe("PUT /api/v1/api-keys/{id}/budget and GET /api/v1/api-keys", () => {
  it("422 for credits 0, negative, non-integer, above 10^12 or a bad period/time zone; 404 unknown, malformed or foreign id; nothing written", async () => {
    const { agent, admin } = await orgWithKeys();
    const other = await orgWithKeys();
    for (const body of [
      { credits: 0, period: "day" },
      { credits: -5, period: "day" },
      { credits: 1.5, period: "day" },
      { credits: 1e12 + 1, period: "day" },
      { credits: "10", period: "day" },
      { credits: 10 },
      { credits: 10, period: "year" },
      { credits: 10, period: "day", time_zone: "Mars/Olympus" },
    ]) {
      const res = await putBudget(admin.secret, agent.id, body);
      expect(res.status, JSON.stringify(body)).toBe(422);
    }
    for (const id of ["00000000-0000-4000-8000-000000000000", "nope", other.agent.id]) {
      expect((await putBudget(admin.secret, id, { credits: 10, period: "day" })).status).toBe(404);
    }
    expect(await t.sql`SELECT * FROM api_key_budgets`).toHaveLength(0);
    expect((await putBudget(agent.secret, agent.id, { credits: 10, period: "day" })).status).toBe(403);
  });

  it("sets, lists (with use, never a secret) and removes a budget; 10^12 is accepted", async () => {
    const { agent, admin } = await orgWithKeys();
    const res = await putBudget(admin.secret, agent.id, { credits: 1e12, period: "month", time_zone: "Europe/Berlin" });
    expect(res.status).toBe(200);
    expect((await res.json()).budget).toMatchObject({ credits: 1e12, period: "month", time_zone: "Europe/Berlin", used: 0 });
    const list = await keysRoute.GET(new Request("http://x/api/v1/api-keys", { headers: auth(admin.secret) }));
    const text = await list.text();
    expect(text).not.toContain(agent.secret);
    expect(text).not.toContain("hash");
    const { api_keys } = JSON.parse(text);
    expect(api_keys.find((k: { id: string }) => k.id === agent.id).budget).toMatchObject({ credits: 1e12, remaining: 1e12 });
    expect(api_keys.find((k: { id: string }) => k.id === admin.id).budget).toBeNull();
    const removed = await putBudget(admin.secret, agent.id, { credits: null });
    expect(await removed.json()).toEqual({ id: agent.id, budget: null });
  });
});

describe("debits with a budget", () => {
  it("402 budget_exceeded names the budget, used and resets_at; nothing debited; batch per event; alerts at 80 % and 100 % once each", async () => {
    const { org, agent, admin } = await orgWithKeys();
    expect((await putBudget(admin.secret, agent.id, { credits: 10, period: "day", time_zone: "UTC" })).status).toBe(200);
    expect((await postUsage(agent.secret, { quantity: 6 })).status).toBe(200);
    const refused = await postUsage(agent.secret, { quantity: 5 });
    expect(refused.status).toBe(402);
    const { error } = await refused.json();
    expect(error).toMatchObject({ code: "budget_exceeded", budget: { credits: 10, period: "day", used: 6, remaining: 4 } });
    const tomorrow = new Date();
    tomorrow.setUTCHours(24, 0, 0, 0);
    expect(error.budget.resets_at).toBe(tomorrow.toISOString());
    const [bal] = await t.sql`SELECT plan_credits FROM credit_balances WHERE org_id = ${org.id}`;
    expect(bal!.plan_credits).toBe(994);

    const res = await batch.POST(
      new Request("http://x/api/v1/usage/batch", {
        method: "POST",
        headers: auth(agent.secret),
        body: JSON.stringify({ events: [{ quantity: 3 }, { quantity: 2 }, { quantity: 1 }] }),
      }),
    );
    const { results } = await res.json();
    expect(results.map((r: { status: number }) => r.status)).toEqual([200, 402, 200]);
    expect(results[1].error.code).toBe("budget_exceeded");
    expect((await postUsage(agent.secret, { quantity: 1 })).status).toBe(402);

    const [counter] = await t.sql`SELECT used::int FROM api_key_budget_usage WHERE key_id = ${agent.id}`;
    expect(counter!.used).toBe(10);
    const mails = await t.sql`SELECT subject FROM outgoing_emails WHERE org_id = ${org.id} AND kind = 'budget_alert' ORDER BY created_at`;
    expect(mails.map((m) => m.subject)).toEqual([expect.stringContaining("80%"), expect.stringContaining("whole budget")]);
    const events = await t.sql`SELECT data FROM outgoing_events WHERE org_id = ${org.id} AND type = 'budget.alert' ORDER BY created_at`;
    expect(events.map((e) => e.data.level)).toEqual([80, 100]);
  });

  it("a key without a budget keeps the group-commit path (no counter row)", async () => {
    const { agent } = await orgWithKeys();
    expect((await postUsage(agent.secret, { quantity: 5 })).status).toBe(200);
    expect(await t.sql`SELECT * FROM api_key_budget_usage WHERE key_id = ${agent.id}`).toHaveLength(0);
  });

  it("two pools (two processes) racing one budget never spend more than it", async () => {
    const { org, agent } = await orgWithKeys();
    await setKeyBudget(t.db, { orgId: org.id, keyId: agent.id, userId: null, input: { credits: 30, period: "day" } });
    const a = createDb(t.url, { max: 8 });
    const b = createDb(t.url, { max: 8 });
    try {
      const runs = Array.from({ length: 80 }, (_, i) =>
        debitLocked(i % 2 ? a.db : b.db, org.id, [{ quantity: 1 }], { keyId: agent.id, onAlerts: writeBudgetAlerts }),
      );
      const results = (await Promise.all(runs)).map((f) => f.results[0]!);
      expect(results.filter((r) => r.ok)).toHaveLength(30);
      expect(results.filter((r) => !r.ok && r.code === "budget_exceeded")).toHaveLength(50);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
    const [counter] = await t.sql`SELECT used::int FROM api_key_budget_usage WHERE key_id = ${agent.id}`;
    expect(counter!.used).toBe(30);
    const [bal] = await t.sql`SELECT plan_credits FROM credit_balances WHERE org_id = ${org.id}`;
    expect(bal!.plan_credits).toBe(970);
    const [alerts] = await t.sql`SELECT count(*)::int AS n FROM outgoing_events WHERE org_id = ${org.id} AND type = 'budget.alert'`;
    expect(alerts!.n).toBe(2);
  });

  it("a monthly budget in Asia/Tokyo resets at midnight Tokyo time (15:00 UTC the day before)", async () => {
    const { org, agent } = await orgWithKeys();
    await setKeyBudget(t.db, { orgId: org.id, keyId: agent.id, userId: null, input: { credits: 10, period: "month", time_zone: "Asia/Tokyo" } });
    const debit = (iso: string, quantity: number) =>
      debitLocked(t.db, org.id, [{ quantity }], { keyId: agent.id, now: new Date(iso) }).then((f) => f.results[0]!);
    expect((await debit("2026-01-31T14:30:00Z", 10)).ok).toBe(true); // Jan 31, 23:30 in Tokyo
    const late = await debit("2026-01-31T14:59:59Z", 1);
    expect(late.ok).toBe(false);
    expect(!late.ok && late.code === "budget_exceeded" && late.budget.resetsAt.toISOString()).toBe("2026-01-31T15:00:00.000Z");
    expect((await debit("2026-01-31T15:00:00Z", 10)).ok).toBe(true); // Feb 1, 00:00 in Tokyo: a new period
    const counters = await t.sql`SELECT period_start, used::int FROM api_key_budget_usage WHERE key_id = ${agent.id} ORDER BY period_start`;
    expect(counters.map((c) => [new Date(c.period_start).toISOString(), c.used])).toEqual([
      ["2025-12-31T15:00:00.000Z", 10],
      ["2026-01-31T15:00:00.000Z", 10],
    ]);
  });
});

describe("holds with a budget", () => {
  const postHold = async (key: string, body: unknown) => {
    const holds = await import("@/app/api/v1/holds/route");
    return holds.POST(new Request("http://x/api/v1/holds", { method: "POST", headers: auth(key), body: JSON.stringify(body) }));
  };
  const capture = async (key: string, id: string, body: unknown) => {
    const route = await import("@/app/api/v1/holds/[id]/capture/route");
    return route.POST(new Request(`http://x/api/v1/holds/${id}/capture`, { method: "POST", headers: auth(key), body: JSON.stringify(body) }), {
      params: Promise.resolve({ id }),
    });
  };

  it("a hold the budget cannot cover (use + active holds + this one) is 402 budget_exceeded, nothing held; a capture counts as use and alerts", async () => {
    const { org, agent, admin } = await orgWithKeys();
    expect((await putBudget(admin.secret, agent.id, { credits: 10, period: "day", time_zone: "UTC" })).status).toBe(200);
    const first = await postHold(agent.secret, { quantity: 6 });
    expect(first.status).toBe(202);
    const refused = await postHold(agent.secret, { quantity: 5 }); // 0 used + 6 held + 5 > 10
    expect(refused.status).toBe(402);
    expect((await refused.json()).error).toMatchObject({ code: "budget_exceeded", budget: { credits: 10, used: 0 } });
    const [held] = await t.sql`SELECT held_credits FROM credit_balances WHERE org_id = ${org.id}`;
    expect(held!.held_credits).toBe(6);

    // the call used 9 (3 more than held: a capture is never refused by the budget — the call has happened)
    const { id } = await first.json();
    expect((await capture(agent.secret, id, { quantity: 9 })).status).toBe(200);
    const [counter] = await t.sql`SELECT used::int, alerted_80_at IS NOT NULL AS a80 FROM api_key_budget_usage WHERE key_id = ${agent.id}`;
    expect(counter).toMatchObject({ used: 9, a80: true });
    const events = await t.sql`SELECT data FROM outgoing_events WHERE org_id = ${org.id} AND type = 'budget.alert'`;
    expect(events.map((e) => e.data.level)).toEqual([80]);
    expect((await postHold(agent.secret, { quantity: 2 })).status).toBe(402); // 9 used + 2 > 10
    expect((await postUsage(agent.secret, { quantity: 2 })).status).toBe(402);
    expect((await postHold(agent.secret, { quantity: 1 })).status).toBe(202);
  });

  it("concurrent holds through one budgeted key never reserve more than the budget", async () => {
    const { agent, admin } = await orgWithKeys();
    expect((await putBudget(admin.secret, agent.id, { credits: 10, period: "day", time_zone: "UTC" })).status).toBe(200);
    const answers = await Promise.all(Array.from({ length: 20 }, () => postHold(agent.secret, { quantity: 3 })));
    expect(answers.filter((r) => r.status === 202)).toHaveLength(3); // 3 × 3 = 9 ≤ 10 < 12
    expect(answers.filter((r) => r.status === 402)).toHaveLength(17);
  });

  it("32 callers on two pools (two processes): holds, captures and debits through one budgeted key never pass the budget, across the plan and top-up pools", async () => {
    const org = await makeOrg(t.db, { plan: 20, topup: 1000 }); // the budget's use spans both credit pools
    const agent = await createApiKey(t.db, org.id, null, { name: "agent", scopes: ["usage:write"] });
    await setKeyBudget(t.db, { orgId: org.id, keyId: agent.id, userId: null, input: { credits: 100, period: "day" } });
    const pools = [createDb(t.url, { max: 8 }), createDb(t.url, { max: 8 })];
    let accepted = 0;
    try {
      await Promise.all(
        Array.from({ length: 32 }, async (_, w) => {
          const { db } = pools[w % 2]!;
          for (let i = 0; i < 4; i++) {
            if ((w + i) % 3 === 0) {
              const [r] = (await debitLocked(db, org.id, [{ quantity: 2 }], { keyId: agent.id, onAlerts: writeBudgetAlerts })).results;
              if (r!.ok) accepted += 2;
              continue;
            }
            const hold = await createHold(db, { orgId: org.id, quantity: 5, expiresInSeconds: 60, budgetKeyId: agent.id });
            if (!hold.ok) continue;
            const captured = await captureHold(db, { orgId: org.id, holdId: hold.hold.id, quantity: 5, onBudgetAlerts: writeBudgetAlerts });
            expect(captured.ok).toBe(true);
            accepted += 5;
          }
        }),
      );
    } finally {
      await Promise.all(pools.map((p) => p.close()));
    }
    const [counter] = await t.sql`SELECT used::int FROM api_key_budget_usage WHERE key_id = ${agent.id}`;
    expect(counter!.used).toBe(accepted);
    expect(accepted).toBeLessThanOrEqual(100);
    expect(accepted).toBeGreaterThanOrEqual(95); // refused only when the next call could not fit
    const [bal] = await t.sql`SELECT plan_credits, topup_credits, held_credits FROM credit_balances WHERE org_id = ${org.id}`;
    expect(bal).toMatchObject({ plan_credits: 0, topup_credits: 1020 - accepted, held_credits: 0 });
    expect(await ledgerMismatches(t.sql)).toEqual([]);
  });
});
