import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { creditTopup, debitCredits, getBalance, resetPlanCredits } from "@/lib/ledger";
import { makeOrg } from "../support/factories";
import { ledgerMismatches } from "../support/invariants";
import { createTestDb, type TestDb } from "../support/test-db";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.drop();
});

const entriesOf = (orgId: string) => t.sql`SELECT pool, delta, kind, balance_after FROM ledger_entries WHERE org_id = ${orgId} AND kind = 'usage' ORDER BY id`;

describe("debit", () => {
  it("takes plan credits first, then top-up credits, writing one entry per pool touched", async () => {
    const org = await makeOrg(t.db, { plan: 10, topup: 20 });
    const [r] = await debitCredits(t.db, org.id, [{ quantity: 15 }]);
    expect(r).toMatchObject({ ok: true, quantity: 15, balance: { planCredits: 0, topupCredits: 15, total: 15 } });
    expect(await entriesOf(org.id)).toEqual([
      { pool: "plan", delta: -10, kind: "usage", balance_after: 0 },
      { pool: "topup", delta: -5, kind: "usage", balance_after: 15 },
    ]);
  });

  it("applies the same idempotency key once and returns the first result", async () => {
    const org = await makeOrg(t.db, { plan: 10 });
    const [first] = await debitCredits(t.db, org.id, [{ quantity: 3, idempotencyKey: "call-1" }]);
    await debitCredits(t.db, org.id, [{ quantity: 1 }]);
    const [again] = await debitCredits(t.db, org.id, [{ quantity: 3, idempotencyKey: "call-1" }]);
    expect(first!.ok && again!.ok).toBe(true);
    if (!first!.ok || !again!.ok) return;
    expect(again.id).toBe(first.id);
    expect(again.balance.total).toBe(7); // the first result, not today's 6
    expect(again.replayed).toBe(true);
    expect((await getBalance(t.db, org.id)).total).toBe(6);
  });

  it("each usage's ledger entries name it; only a keyed request leaves an idempotency record", async () => {
    const org = await makeOrg(t.db, { plan: 2, topup: 10 });
    const [keyed, plain] = await debitCredits(t.db, org.id, [{ quantity: 3, idempotencyKey: "k-1" }, { quantity: 4 }]);
    if (!keyed!.ok || !plain!.ok) throw new Error("both debits should succeed");
    const entries =
      await t.sql`SELECT reference, pool, delta, balance_after, idempotency_key FROM ledger_entries WHERE org_id = ${org.id} AND kind = 'usage' ORDER BY id`;
    expect(entries).toEqual([
      { reference: keyed.id, pool: "plan", delta: -2, balance_after: 0, idempotency_key: null },
      { reference: keyed.id, pool: "topup", delta: -1, balance_after: 9, idempotency_key: null },
      { reference: plain.id, pool: "topup", delta: -4, balance_after: 5, idempotency_key: null },
    ]);
    const records = await t.sql`SELECT id, idempotency_key, quantity FROM usage_events WHERE org_id = ${org.id}`;
    expect(records).toEqual([{ id: keyed.id, idempotency_key: "k-1", quantity: 3 }]);
  });

  it("refuses a debit the total cannot cover with insufficient_credits and writes nothing", async () => {
    const org = await makeOrg(t.db, { plan: 2, topup: 3 });
    const before = await entriesOf(org.id);
    const [r] = await debitCredits(t.db, org.id, [{ quantity: 6, idempotencyKey: "too-much" }]);
    expect(r).toMatchObject({ ok: false, code: "insufficient_credits" });
    expect(await getBalance(t.db, org.id)).toMatchObject({ planCredits: 2, topupCredits: 3 });
    expect(await entriesOf(org.id)).toEqual(before);
    const [events] = await t.sql`SELECT count(*)::int AS n FROM usage_events WHERE org_id = ${org.id}`;
    expect(events!.n).toBe(0);
  });

  it("rejects a non-integer quantity without writing", async () => {
    const org = await makeOrg(t.db, { plan: 5 });
    await expect(debitCredits(t.db, org.id, [{ quantity: 1.5 }])).rejects.toThrow(/integer/);
    expect((await getBalance(t.db, org.id)).total).toBe(5);
  });

  it("200 concurrent debits of 1 against 150 credits: exactly 150 succeed, 50 get 402, balance 0", async () => {
    const org = await makeOrg(t.db, { plan: 100, topup: 50 });
    const results = await Promise.all(Array.from({ length: 200 }, () => debitCredits(t.db, org.id, [{ quantity: 1 }])));
    const flat = results.flat();
    expect(flat.filter((r) => r.ok)).toHaveLength(150);
    expect(flat.filter((r) => !r.ok && r.code === "insufficient_credits")).toHaveLength(50);
    expect((await getBalance(t.db, org.id)).total).toBe(0);
    expect(await ledgerMismatches(t.sql)).toEqual([]);
  });
});

describe("ledger entries are append-only", () => {
  it("the database refuses UPDATE, DELETE and TRUNCATE", async () => {
    const org = await makeOrg(t.db, { topup: 5 });
    await expect(t.sql`UPDATE ledger_entries SET delta = 999 WHERE org_id = ${org.id}`).rejects.toThrow(/append-only/);
    await expect(t.sql`DELETE FROM ledger_entries WHERE org_id = ${org.id}`).rejects.toThrow(/append-only/);
    await expect(t.sql`TRUNCATE ledger_entries`).rejects.toThrow(/append-only/);
  });
});

describe("credits", () => {
  it("credits top-up once per idempotency key", async () => {
    const org = await makeOrg(t.db);
    const input = { orgId: org.id, credits: 1000, kind: "purchase" as const, reference: "cs_1", idempotencyKey: "checkout:cs_1" };
    const results = await Promise.all([creditTopup(t.db, input), creditTopup(t.db, input), creditTopup(t.db, input)]);
    expect(results.filter((r) => r.applied)).toHaveLength(1);
    expect((await getBalance(t.db, org.id)).topupCredits).toBe(1000);
  });

  it("a plan reset expires the rest, grants the allotment once, and leaves top-up credits alone", async () => {
    const org = await makeOrg(t.db, { plan: 100, topup: 7 });
    await debitCredits(t.db, org.id, [{ quantity: 30 }]);
    const input = { orgId: org.id, allotment: 500, resetsAt: new Date("2030-01-01"), reference: "in_1", idempotencyKey: "invoice:in_1" };
    expect((await resetPlanCredits(t.db, input)).applied).toBe(true);
    expect((await resetPlanCredits(t.db, input)).applied).toBe(false);
    expect(await getBalance(t.db, org.id)).toMatchObject({ planCredits: 500, topupCredits: 7, planAllotment: 500 });
    const kinds = await t.sql`SELECT kind, delta FROM ledger_entries WHERE org_id = ${org.id} AND reference = 'in_1' ORDER BY id`;
    expect(kinds).toEqual([
      { kind: "plan_expire", delta: -70 },
      { kind: "plan_grant", delta: 500 },
    ]);
  });
});

describe("property: random debit/credit sequences", () => {
  it("keep balance == sum(entries) and never go negative", async () => {
    const org = await makeOrg(t.db);
    let n = 0;
    const op = fc.oneof(
      fc.record({ kind: fc.constant("debit" as const), q: fc.integer({ min: 1, max: 40 }) }),
      fc.record({ kind: fc.constant("credit" as const), q: fc.integer({ min: 1, max: 40 }) }),
      fc.record({ kind: fc.constant("reset" as const), q: fc.integer({ min: 0, max: 40 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 15 }), async (ops) => {
        for (const o of ops) {
          n += 1;
          if (o.kind === "debit") await debitCredits(t.db, org.id, [{ quantity: o.q }]);
          else if (o.kind === "credit") await creditTopup(t.db, { orgId: org.id, credits: o.q, kind: "adjustment", reference: "p", idempotencyKey: `p:${n}` });
          else await resetPlanCredits(t.db, { orgId: org.id, allotment: o.q, resetsAt: null, reference: "p", idempotencyKey: `r:${n}` });
        }
        const b = await getBalance(t.db, org.id);
        expect(b.planCredits).toBeGreaterThanOrEqual(0);
        expect(b.topupCredits).toBeGreaterThanOrEqual(0);
        expect(await ledgerMismatches(t.sql)).toEqual([]);
      }),
      { numRuns: 25 },
    );
  });
});
