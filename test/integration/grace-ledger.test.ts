import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "@/db/client";
import { creditTopup, debitCredits, endGrace, getBalance, grantGrace, resetPlanCredits } from "@/lib/ledger";
import { createDebitCoalescer } from "@/lib/ledger/group-commit";
import { makeOrg } from "../support/factories";
import { ledgerMismatches } from "../support/invariants";
import { createTestDb, type TestDb } from "../support/test-db";

// Grace in the ledger itself (grantGrace / endGrace, the bound, the compare-and-set): a bounded overdraft of
// the top-up pool while a recharge attempt is in flight. The wiring through the trigger is in grace.test.ts.
let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.drop();
});

const lowestTopup = async (orgId: string) => {
  const [r] = await t.sql`SELECT COALESCE(MIN(balance_after), 0)::int AS low FROM ledger_entries WHERE org_id = ${orgId} AND pool = 'topup'`;
  return r!.low as number;
};

/** 200 debits of 1 credit at once, from two "processes" (each its own pool and coalescer) and direct locked debits. */
async function burst(orgId: string, n = 200) {
  const p2 = createDb(t.url, { max: 4 });
  try {
    const c1 = createDebitCoalescer(t.db);
    const c2 = createDebitCoalescer(p2.db);
    const calls = Array.from({ length: n }, (_, i) =>
      i % 3 === 0 ? c1.debit(orgId, [{ quantity: 1 }]) : i % 3 === 1 ? c2.debit(orgId, [{ quantity: 1 }]) : debitCredits(t.db, orgId, [{ quantity: 1 }]),
    );
    const results = (await Promise.all(calls)).map((r) => r[0]!);
    return { accepted: results.filter((r) => r.ok).length, refused: results.filter((r) => !r.ok).length };
  } finally {
    await p2.close();
  }
}

describe("grace in the ledger", () => {
  it("without grace, 200 parallel debits never take the balance below zero (the old invariant)", async () => {
    const org = await makeOrg(t.db, { plan: 30, topup: 20 });
    expect(await burst(org.id)).toEqual({ accepted: 50, refused: 150 });
    expect(await getBalance(t.db, org.id)).toMatchObject({ total: 0, overdraft: 0, graceCredits: 0, available: 0 });
    expect(await lowestTopup(org.id)).toBe(0);
    expect(await ledgerMismatches(t.sql)).toEqual([]);
  });

  it("while grace is open, 200 parallel debits go below zero by at most the grace; balance == sum(entries)", async () => {
    const org = await makeOrg(t.db, { plan: 30, topup: 20 });
    const attemptId = randomUUID();
    expect(await grantGrace(t.db, { orgId: org.id, attemptId, credits: 100 })).toBe(true);
    expect(await getBalance(t.db, org.id)).toMatchObject({ total: 50, graceCredits: 100, available: 150, overdraft: 0 });
    expect(await burst(org.id)).toEqual({ accepted: 150, refused: 50 });
    expect(await getBalance(t.db, org.id)).toMatchObject({ planCredits: 0, topupCredits: -100, total: -100, overdraft: 100, available: 0 });
    expect(await lowestTopup(org.id)).toBe(-100);
    expect(await ledgerMismatches(t.sql)).toEqual([]);
  });

  it("one grace per org: another attempt is refused, the same attempt is idempotent, only the holder ends it", async () => {
    const org = await makeOrg(t.db, { topup: 5 });
    const a = randomUUID();
    const b = randomUUID();
    expect(await grantGrace(t.db, { orgId: org.id, attemptId: a, credits: 10 })).toBe(true);
    expect(await grantGrace(t.db, { orgId: org.id, attemptId: b, credits: 1000 })).toBe(false);
    expect(await grantGrace(t.db, { orgId: org.id, attemptId: a, credits: 10 })).toBe(true);
    expect((await getBalance(t.db, org.id)).graceCredits).toBe(10);
    expect(await endGrace(t.db, { orgId: org.id, attemptId: b })).toBe(false);
    expect(await endGrace(t.db, { orgId: org.id, attemptId: a })).toBe(true);
    expect(await endGrace(t.db, { orgId: org.id, attemptId: a })).toBe(false);
    expect(await getBalance(t.db, org.id)).toMatchObject({ total: 5, graceCredits: 0, available: 5 });
  });

  it("a recharge that lands covers the overdraft; ending grace then leaves a positive balance and no bound", async () => {
    const org = await makeOrg(t.db, { topup: 10 });
    const attemptId = randomUUID();
    await grantGrace(t.db, { orgId: org.id, attemptId, credits: 1000 });
    await debitCredits(t.db, org.id, [{ quantity: 300 }]);
    await creditTopup(t.db, { orgId: org.id, credits: 1000, kind: "auto_recharge", reference: "pi_1", idempotencyKey: "pi:pi_1" });
    await endGrace(t.db, { orgId: org.id, attemptId });
    expect(await getBalance(t.db, org.id)).toMatchObject({ topupCredits: 710, overdraft: 0, graceCredits: 0, available: 710 });
    const [row] = await t.sql`SELECT grace_credits, grace_attempt_id FROM credit_balances WHERE org_id = ${org.id}`;
    expect(row).toEqual({ grace_credits: 0, grace_attempt_id: null });
  });

  it("after a failed recharge (grace ended with an overdraft) usage is refused, and a top-up pays the overdraft first", async () => {
    const org = await makeOrg(t.db, { topup: 10 });
    const attemptId = randomUUID();
    await grantGrace(t.db, { orgId: org.id, attemptId, credits: 100 });
    expect((await debitCredits(t.db, org.id, [{ quantity: 40 }]))[0]!.ok).toBe(true);
    await endGrace(t.db, { orgId: org.id, attemptId }); // the recharge failed
    expect(await getBalance(t.db, org.id)).toMatchObject({ total: -30, overdraft: 30, graceCredits: 0, available: -30 });
    const [refused] = await debitCredits(t.db, org.id, [{ quantity: 1 }]);
    expect(refused).toMatchObject({ ok: false, code: "insufficient_credits", balance: { total: -30, available: -30 } });
    // a purchase smaller than the overdraft: still owed, still refused
    await creditTopup(t.db, { orgId: org.id, credits: 20, kind: "purchase", reference: "cs_1", idempotencyKey: "cs:cs_1" });
    expect((await debitCredits(t.db, org.id, [{ quantity: 1 }]))[0]!.ok).toBe(false);
    const [bound] = await t.sql`SELECT grace_credits FROM credit_balances WHERE org_id = ${org.id}`;
    expect(bound!.grace_credits).toBe(10); // shrunk to what is owed
    // the next purchase pays the rest first; what is left is usable, the bound is back to 0
    await creditTopup(t.db, { orgId: org.id, credits: 100, kind: "purchase", reference: "cs_2", idempotencyKey: "cs:cs_2" });
    expect(await getBalance(t.db, org.id)).toMatchObject({ total: 90, overdraft: 0, available: 90 });
    expect((await debitCredits(t.db, org.id, [{ quantity: 90 }]))[0]!.ok).toBe(true);
    expect((await debitCredits(t.db, org.id, [{ quantity: 1 }]))[0]!.ok).toBe(false);
    const [after] = await t.sql`SELECT grace_credits FROM credit_balances WHERE org_id = ${org.id}`;
    expect(after!.grace_credits).toBe(0);
    expect(await ledgerMismatches(t.sql)).toEqual([]);
  });

  it("a plan grant during an overdraft is usable; the overdraft stays owed in the top-up pool", async () => {
    const org = await makeOrg(t.db, { topup: 10 });
    const attemptId = randomUUID();
    await grantGrace(t.db, { orgId: org.id, attemptId, credits: 50 });
    await debitCredits(t.db, org.id, [{ quantity: 40 }]);
    await endGrace(t.db, { orgId: org.id, attemptId });
    await resetPlanCredits(t.db, { orgId: org.id, allotment: 100, resetsAt: null, reference: "inv_1", idempotencyKey: "invoice:inv_1" });
    expect(await getBalance(t.db, org.id)).toMatchObject({ planCredits: 100, topupCredits: -30, total: 70, overdraft: 30, available: 70 });
    expect((await debitCredits(t.db, org.id, [{ quantity: 71 }]))[0]!.ok).toBe(false);
    expect((await debitCredits(t.db, org.id, [{ quantity: 70 }]))[0]!.ok).toBe(true);
    expect(await getBalance(t.db, org.id)).toMatchObject({ planCredits: 30, topupCredits: -30, total: 0 });
  });

  it("the compare-and-set never decides on a stale grace: ending it between flushes sends the next flush under the lock", async () => {
    const org = await makeOrg(t.db, { topup: 5 });
    const attemptId = randomUUID();
    await grantGrace(t.db, { orgId: org.id, attemptId, credits: 100 });
    const vias: string[] = [];
    const c = createDebitCoalescer(t.db, { onFlushed: (_o, f) => vias.push(f.via) });
    expect((await c.debit(org.id, [{ quantity: 10 }]))[0]).toMatchObject({ ok: true, balance: { total: -5, graceCredits: 100 } });
    await endGrace(t.db, { orgId: org.id, attemptId }); // the coalescer still remembers grace 100
    const [r] = await c.debit(org.id, [{ quantity: 1 }]);
    expect(r).toMatchObject({ ok: false, code: "insufficient_credits", balance: { total: -5, graceCredits: 0 } });
    // and a grant between flushes is seen by the next one
    await creditTopup(t.db, { orgId: org.id, credits: 5, kind: "adjustment", reference: "x", idempotencyKey: "x" });
    expect((await c.debit(org.id, [{ quantity: 1 }]))[0]!.ok).toBe(false); // balance 0, no grace
    await grantGrace(t.db, { orgId: org.id, attemptId: randomUUID(), credits: 3 });
    expect((await c.debit(org.id, [{ quantity: 3 }]))[0]).toMatchObject({ ok: true, balance: { total: -3 } });
    expect(vias.every((v) => v === "row-lock")).toBe(true);
    expect(await ledgerMismatches(t.sql)).toEqual([]);
  });
});
