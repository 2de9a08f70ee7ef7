import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getAutoTopup, POST as postAutoTopup } from "@/app/api/v1/billing/auto-topup/route";
import { GET as getHistory } from "@/app/api/v1/billing/auto-topup/history/route";
import { POST as postSpendingLimit } from "@/app/api/v1/billing/spending-limit/route";
import { getDbHandle } from "@/db/client";
import { createApiKey } from "@/lib/api-keys/manage-api-keys";
import { getBalance } from "@/lib/ledger";
import { makeBillingOrg } from "../support/billing-factories";
import { startBillingHarness, type BillingHarness } from "../support/billing-harness";
import { createTestDb, type TestDb } from "../support/test-db";

let t: TestDb;
let h: BillingHarness;
beforeAll(async () => {
  t = await createTestDb();
  process.env.DATABASE_URL = t.url; // the routes use the app's pool
  h = await startBillingHarness(t.db);
});
afterAll(async () => {
  await h?.stop();
  await getDbHandle().close();
  await t?.drop();
});

const base = "http://app.test/api/v1/billing";
const call = (handler: (r: Request) => Promise<Response>, key: string, method: "GET" | "POST", path: string, body?: unknown) =>
  handler(
    new Request(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    }),
  );

async function orgWithKeys(opts: Parameters<typeof makeBillingOrg>[1] = {}) {
  const { org } = await makeBillingOrg(t.db, opts);
  const rw = await createApiKey(t.db, org.id, null, { name: "rw", scopes: ["billing:read", "billing:write"] });
  const ro = await createApiKey(t.db, org.id, null, { name: "ro", scopes: ["billing:read"] });
  const usage = await createApiKey(t.db, org.id, null, { name: "usage", scopes: ["usage:write"] });
  return { org, rw: rw.secret, ro: ro.secret, usage: usage.secret };
}

describe("/api/v1/billing/auto-topup", () => {
  it("the seed's documented client calls work as documented", async () => {
    const { org, rw } = await orgWithKeys({});
    const balance = (await getBalance(t.db, org.id)).total;
    expect(balance).toBeGreaterThan(100); // the POST below does not trigger
    const enable = await call(postAutoTopup, rw, "POST", "/auto-topup", { enabled: true, threshold: 100, amount: 2000, consent: true });
    expect(enable.status).toBe(200);
    expect(await enable.json()).toMatchObject({
      enabled: true,
      threshold: 100,
      amount: 2000,
      recharge_packs: 1,
      recharge_credits: 1000,
      currency: "usd",
      max_recharges_per_month: 10,
      recharges_used_this_month: 0,
      spending_limit: null,
      spend_this_month: 0,
      status: "active",
      last_recharged_at: null,
    });
    const got = await call(getAutoTopup, rw, "GET", "/auto-topup");
    expect(await got.json()).toMatchObject({ enabled: true, threshold: 100, amount: 2000 });
    const off = await call(postAutoTopup, rw, "POST", "/auto-topup", { enabled: false });
    expect(await off.json()).toMatchObject({ enabled: false, status: "off", threshold: 100 });
    const hist = await call(getHistory, rw, "GET", "/auto-topup/history");
    expect(await hist.json()).toEqual({ charges: [], has_more: false });
  });

  it("422 with a message per invalid field, and the valid amounts for a non-pack amount", async () => {
    const { rw } = await orgWithKeys({});
    const r = await call(postAutoTopup, rw, "POST", "/auto-topup", { enabled: "yes", threshold: -5, max_recharges_per_month: 1.5 });
    expect(r.status).toBe(422);
    const body = (await r.json()) as { error: { code: string; fields: Record<string, string> } };
    expect(body.error.code).toBe("invalid_request");
    expect(Object.keys(body.error.fields).sort()).toEqual(["enabled", "max_recharges_per_month", "threshold"]);
    const amount = await call(postAutoTopup, rw, "POST", "/auto-topup", { amount: 2500 });
    expect(amount.status).toBe(422);
    expect(((await amount.json()) as { error: { fields: { amount: string } } }).error.fields.amount).toMatch(/2000, 4000, 6000/);
    const over = await call(postAutoTopup, rw, "POST", "/auto-topup", { threshold: 10_000_000 });
    expect(over.status).toBe(422);
    const bad = await call(postAutoTopup, rw, "POST", "/auto-topup", "not json");
    expect(bad.status).toBe(422);
  });

  it("scopes: 401 without a key, 403 without billing:write, 403 for usage-only keys on reads", async () => {
    const { ro, usage } = await orgWithKeys({ planId: "free", card: null });
    expect((await call(getAutoTopup, "rfk_nope", "GET", "/auto-topup")).status).toBe(401);
    expect((await call(getAutoTopup, ro, "GET", "/auto-topup")).status).toBe(200);
    expect((await call(postAutoTopup, ro, "POST", "/auto-topup", { enabled: false })).status).toBe(403);
    expect((await call(getAutoTopup, usage, "GET", "/auto-topup")).status).toBe(403);
    expect((await call(postSpendingLimit, ro, "POST", "/spending-limit", { monthly_limit: 5000 })).status).toBe(403);
  });

  it("403 with the UI's message when the plan or prerequisites forbid enabling", async () => {
    const free = await orgWithKeys({ planId: "free", card: null });
    const r = await call(postAutoTopup, free.rw, "POST", "/auto-topup", { enabled: true, threshold: 10, amount: 2800 });
    expect(r.status).toBe(403);
    expect(await r.json()).toMatchObject({ error: { code: "forbidden", message: "Auto-reload not available on Free plan" } });
  });

  it("spending limit: set, validate, clear; history pages with starting_after", async () => {
    const { org, rw } = await orgWithKeys({});
    const set = await call(postSpendingLimit, rw, "POST", "/spending-limit", { monthly_limit: 5000, alert_threshold: 0.5 });
    expect(set.status).toBe(200);
    expect(await set.json()).toMatchObject({ monthly_limit: 5000, alert_threshold: 0.5, spending_limit: 5000 });
    expect((await call(postSpendingLimit, rw, "POST", "/spending-limit", { monthly_limit: -1 })).status).toBe(422);
    expect((await call(postSpendingLimit, rw, "POST", "/spending-limit", { monthly_limit: 5000, alert_threshold: 2 })).status).toBe(422);
    const cleared = await call(postSpendingLimit, rw, "POST", "/spending-limit", { monthly_limit: null });
    expect(await cleared.json()).toMatchObject({ monthly_limit: null, alert_threshold: 0.5 });

    // three recharges: each save with the threshold just above the balance triggers one (enabling needs consent once)
    for (let i = 0; i < 3; i++) {
      const total = (await getBalance(t.db, org.id)).total;
      const r = await call(postAutoTopup, rw, "POST", "/auto-topup", {
        enabled: true,
        threshold: total + 500,
        amount: 2000,
        max_recharges_per_month: 3,
        consent: i === 0,
      });
      expect(r.status).toBe(200);
    }
    const page1 = (await (await call(getHistory, rw, "GET", "/auto-topup/history?limit=2")).json()) as {
      charges: { id: string; status: string; trigger: string; amount: number; credits: number }[];
      has_more: boolean;
    };
    expect(page1.charges).toHaveLength(2);
    expect(page1.has_more).toBe(true);
    expect(page1.charges[0]).toMatchObject({ status: "succeeded", trigger: "auto", amount: 2000, credits: 1000 });
    const page2 = (await (await call(getHistory, rw, "GET", `/auto-topup/history?limit=2&starting_after=${page1.charges[1]!.id}`)).json()) as {
      charges: unknown[];
      has_more: boolean;
    };
    expect(page2.charges).toHaveLength(1);
    expect(page2.has_more).toBe(false);
    const state = (await (await call(getAutoTopup, rw, "GET", "/auto-topup")).json()) as Record<string, unknown>;
    expect(state).toMatchObject({ recharges_used_this_month: 3, spend_this_month: 6000, status: "paused_monthly_cap" });
    expect(state.last_recharged_at).toEqual(expect.any(String));
    expect((await call(getHistory, rw, "GET", "/auto-topup/history?limit=0")).status).toBe(422);
  });
});
