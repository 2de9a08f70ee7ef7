import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getAutoTopup, POST as postAutoTopup } from "@/app/api/v1/billing/auto-topup/route";
import { POST as postSpendingLimit } from "@/app/api/v1/billing/spending-limit/route";
import { getDbHandle } from "@/db/client";
import { createApiKey } from "@/lib/api-keys/manage-api-keys";
import { debitCredits, getBalance } from "@/lib/ledger";
import { makeBillingOrg } from "../support/billing-factories";
import { startBillingHarness, type BillingHarness } from "../support/billing-harness";
import { createTestDb, type TestDb } from "../support/test-db";

// #14: consent before automatic charges, recharge to a target, gap closing — through the REST API, on real
// Postgres and the emulator.

let t: TestDb;
let h: BillingHarness;
beforeAll(async () => {
  t = await createTestDb();
  process.env.DATABASE_URL = t.url;
  h = await startBillingHarness(t.db);
});
afterAll(async () => {
  await h?.stop();
  await getDbHandle().close();
  await t?.drop();
});

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const call = async (handler: (r: Request) => Promise<Response>, key: string, method: "GET" | "POST", path: string, body?: unknown) => {
  const res = await handler(
    new Request(`http://app.test/api/v1/billing${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
  return { status: res.status, body: (await res.json()) as Json };
};
async function orgWithKey(opts: Parameters<typeof makeBillingOrg>[1] = {}) {
  const { org, owner } = await makeBillingOrg(t.db, opts);
  const rw = await createApiKey(t.db, org.id, null, { name: "rw", scopes: ["billing:read", "billing:write"] });
  return { org, owner, key: rw.secret };
}
const audit = (orgId: string) =>
  t.sql`SELECT source, api_key_id, consent_text, consent_version, after FROM auto_recharge_settings_changes WHERE org_id = ${orgId} ORDER BY created_at`;

describe("consent", () => {
  it("enabling without consent → 422 consent_required with the text; with consent: saved and the text recorded in the audit trail", async () => {
    const { org, key } = await orgWithKey();
    const got = await call(getAutoTopup, key, "GET", "/auto-topup");
    expect(got.body).toMatchObject({ enabled: false, amount_mode: "fixed", recharge_to: null });
    const text = "Up to 10 × $20.00 = $200.00 a month on Visa •••• 4242, charged automatically when the balance falls below 100 credits.";
    expect(got.body.consent_text).toContain("a month on Visa •••• 4242");

    const refused = await call(postAutoTopup, key, "POST", "/auto-topup", { enabled: true, threshold: 100 });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: "consent_required", reasons: ["enabling"] });
    expect(refused.body.error.consent_text).toContain(text);
    expect(await audit(org.id)).toHaveLength(0); // nothing written

    const stale = await call(postAutoTopup, key, "POST", "/auto-topup", { enabled: true, threshold: 100, consent: true, consent_text: "Up to 1 × $1.00" });
    expect(stale.status).toBe(422);
    expect(stale.body.error).toMatchObject({ code: "consent_mismatch" });
    expect(stale.body.error.consent_text).toContain(text);

    const ok = await call(postAutoTopup, key, "POST", "/auto-topup", {
      enabled: true,
      threshold: 100,
      consent: true,
      consent_text: refused.body.error.consent_text,
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ enabled: true, status: "active" });
    const rows = await audit(org.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ source: "api", consent_text: refused.body.error.consent_text, consent_version: "auto-recharge-consent-v1" });
    expect(rows[0]!.api_key_id).toEqual(expect.any(String));

    // lowering needs no consent; raising the amount, the cap or the spending limit does
    expect((await call(postAutoTopup, key, "POST", "/auto-topup", { max_recharges_per_month: 5 })).status).toBe(200);
    expect((await call(postAutoTopup, key, "POST", "/auto-topup", { amount: 4000 })).body.error).toMatchObject({
      code: "consent_required",
      reasons: ["per_charge_raised"],
    });
    expect((await call(postAutoTopup, key, "POST", "/auto-topup", { max_recharges_per_month: 6 })).body.error).toMatchObject({
      reasons: ["monthly_cap_raised"],
    });
    expect((await call(postSpendingLimit, key, "POST", "/spending-limit", { monthly_limit: 5000 })).status).toBe(200); // adding a limit lowers
    const raise = await call(postSpendingLimit, key, "POST", "/spending-limit", { monthly_limit: 8000 });
    expect(raise.status).toBe(422);
    expect(raise.body.error).toMatchObject({ code: "consent_required", reasons: ["spending_limit_raised"] });
    expect(raise.body.error.consent_text).toMatch(/Up to 5 × \$20\.00 = \$100\.00 a month .* Your spending limit of \$80\.00 a month stops charges earlier\./);
    expect((await call(postSpendingLimit, key, "POST", "/spending-limit", { monthly_limit: 8000, consent: true })).status).toBe(200);
    expect((await audit(org.id)).filter((r) => r.consent_text)).toHaveLength(2);
  });

  it("the audit trail is append-only", async () => {
    const { org, key } = await orgWithKey();
    await call(postAutoTopup, key, "POST", "/auto-topup", { enabled: true, threshold: 100, consent: true });
    await expect(t.sql`UPDATE auto_recharge_settings_changes SET consent_text = 'x' WHERE org_id = ${org.id}`).rejects.toThrow(/append-only/);
    await expect(t.sql`DELETE FROM auto_recharge_settings_changes WHERE org_id = ${org.id}`).rejects.toThrow(/append-only/);
  });

  it("a purchase never switches auto-recharge on: card setup, plan upgrade and Top Up Now leave it off", async () => {
    const { org, key } = await orgWithKey(); // card attached + subscribed through the emulator
    const { topUpNow } = await import("@/lib/recharge/top-up-now");
    await topUpNow(t.db, { orgId: org.id, packs: 1, userId: null }).catch(() => null);
    expect((await call(getAutoTopup, key, "GET", "/auto-topup")).body).toMatchObject({ enabled: false, status: "off" });
  });
});

describe("recharge to a target, and one charge for a large gap", () => {
  it("recharge_to: packs to at least the target; mutually exclusive with amount; above the threshold (422 with the rule)", async () => {
    const { org, key } = await orgWithKey();
    const below = await call(postAutoTopup, key, "POST", "/auto-topup", { threshold: 500, recharge_to: 400 });
    expect(below.status).toBe(422);
    expect(below.body.error.fields.recharge_to).toBe("Recharge to must be above the threshold (500 credits): each recharge brings the balance back above it");
    const both = await call(postAutoTopup, key, "POST", "/auto-topup", { recharge_to: 3000, amount: 2000 });
    expect(both.status).toBe(422);
    expect(both.body.error.fields.recharge_to).toMatch(/cannot be combined with amount or recharge_packs/);

    const total = (await getBalance(t.db, org.id)).total; // 2,000 plan credits
    const on = await call(postAutoTopup, key, "POST", "/auto-topup", { enabled: true, threshold: total + 1, recharge_to: total + 2500, consent: true });
    expect(on.status).toBe(200);
    expect(on.body).toMatchObject({ amount_mode: "target", recharge_to: total + 2500 });
    expect(on.body.consent_text).toMatch(/^Up to 10 charges of at most \$100\.00 each = \$1,000\.00 a month on Visa •••• 4242/);
    // the save triggered at once: 3 packs bring total (just below the threshold) to ≥ the target
    const [a] = await t.sql`SELECT packs, credits, amount_cents, status FROM recharge_attempts WHERE org_id = ${org.id}`;
    expect(a).toMatchObject({ packs: 3, credits: 3000, amount_cents: 6000, status: "succeeded" });
    expect((await getBalance(t.db, org.id)).total).toBe(total + 3000);
    // back to a fixed amount
    expect((await call(postAutoTopup, key, "POST", "/auto-topup", { recharge_to: null })).body).toMatchObject({ amount_mode: "fixed", recharge_to: null });
  });

  it("far below the threshold (a large call): ONE charge closes the gap, not a burst; within the spending limit", async () => {
    const { org, key } = await orgWithKey({ topup: 5000 });
    await call(postAutoTopup, key, "POST", "/auto-topup", { enabled: true, threshold: 1000, amount: 2000, consent: true });
    await call(postSpendingLimit, key, "POST", "/spending-limit", { monthly_limit: 10_000 }); // $100: at most 5 packs
    const total = (await getBalance(t.db, org.id)).total;
    await debitCredits(t.db, org.id, [{ quantity: total - 200 }]); // a large call: 200 left
    await debitCredits(t.db, org.id, [{ quantity: 1 }]);
    const { maybeTriggerRecharge } = await import("@/lib/recharge/trigger");
    await maybeTriggerRecharge(t.db, org.id);
    let attempts = await t.sql`SELECT packs, status FROM recharge_attempts WHERE org_id = ${org.id} ORDER BY created_at`;
    expect(attempts.map((r) => [r.packs, r.status])).toEqual([[1, "succeeded"]]); // 199 + 1,000 ≥ 1,000
    // now a far larger gap: threshold raised to 9,000 → 8 packs needed, the $100 limit leaves $80 → 4 packs, never over
    await call(postAutoTopup, key, "POST", "/auto-topup", { threshold: 9000 });
    attempts = await t.sql`SELECT packs, status FROM recharge_attempts WHERE org_id = ${org.id} ORDER BY created_at`;
    expect(attempts.map((r) => [r.packs, r.status])).toEqual([
      [1, "succeeded"],
      [4, "succeeded"],
    ]);
    const state = (await call(getAutoTopup, key, "GET", "/auto-topup")).body;
    expect(state).toMatchObject({ spend_this_month: 10_000, status: "paused_spending_limit" });
  });
});
