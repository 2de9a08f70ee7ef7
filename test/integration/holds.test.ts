import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "@/db/client";
import { debitCredits, endGrace, getBalance, grantGrace } from "@/lib/ledger";
import { createDebitCoalescer } from "@/lib/ledger/group-commit";
import { captureHold } from "@/lib/ledger/hold-capture";
import { createHold, expireHolds, getHold, releaseHold } from "@/lib/ledger/holds";
import { makeOrg } from "../support/factories";
import { ledgerMismatches } from "../support/invariants";
import { createTestDb, type TestDb } from "../support/test-db";

// Holds in the ledger (authorize / capture / release) on real Postgres.
let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.drop();
});

const HOUR = 3600;
const later = (s: number) => new Date(Date.now() + s * 1000);
async function hold(orgId: string, quantity: number, opts: { expiresIn?: number; key?: string } = {}) {
  const r = await createHold(t.db, { orgId, quantity, expiresInSeconds: opts.expiresIn ?? HOUR, idempotencyKey: opts.key });
  if (!r.ok) throw new Error("hold refused");
  return r.hold;
}
const heldOf = async (orgId: string) => (await getBalance(t.db, orgId)).heldCredits;

describe("holds", () => {
  it("hold → capture less: the usage is debited, the rest released", async () => {
    const org = await makeOrg(t.db, { plan: 20, topup: 80 });
    const h = await hold(org.id, 30);
    expect(await getBalance(t.db, org.id)).toMatchObject({ total: 100, heldCredits: 30, available: 70 });
    const r = await captureHold(t.db, { orgId: org.id, holdId: h.id, quantity: 25 });
    expect(r).toMatchObject({
      ok: true,
      replayed: false,
      hold: { status: "captured", capturedQuantity: 25 },
      balance: { planCredits: 0, topupCredits: 75, heldCredits: 0, available: 75 },
    });
    const entries = await t.sql`SELECT pool, delta, balance_after, reference FROM ledger_entries WHERE org_id = ${org.id} AND kind = 'usage' ORDER BY id`;
    expect(entries).toEqual([
      { pool: "plan", delta: -20, balance_after: 0, reference: r.ok ? r.hold.usageId : null },
      { pool: "topup", delta: -5, balance_after: 75, reference: r.ok ? r.hold.usageId : null },
    ]);
    const [hourly] = await t.sql`SELECT credits::int, events FROM usage_hourly WHERE org_id = ${org.id}`;
    expect(hourly).toEqual({ credits: 25, events: 1 });
    expect(await ledgerMismatches(t.sql)).toEqual([]);
  });

  it("captures more than held up to the balance plus grace; beyond it 402 and the hold stays active", async () => {
    const org = await makeOrg(t.db, { topup: 100 });
    const other = await hold(org.id, 10); // another call's hold keeps counting
    const h = await hold(org.id, 30);
    expect(await captureHold(t.db, { orgId: org.id, holdId: h.id, quantity: 91 })).toMatchObject({ ok: false, code: "insufficient_credits" });
    expect(await getBalance(t.db, org.id)).toMatchObject({ total: 100, heldCredits: 40 });
    expect((await getHold(t.db, org.id, h.id))!.status).toBe("active");
    await grantGrace(t.db, { orgId: org.id, attemptId: randomUUID(), credits: 50 });
    expect(await captureHold(t.db, { orgId: org.id, holdId: h.id, quantity: 141 })).toMatchObject({ ok: false, code: "insufficient_credits" });
    const r = await captureHold(t.db, { orgId: org.id, holdId: h.id, quantity: 140 });
    expect(r).toMatchObject({ ok: true, balance: { total: -40, heldCredits: 10, graceCredits: 50, available: 0 } });
    // the other hold's credits were reserved: its capture is accepted even past the grace
    expect(await captureHold(t.db, { orgId: org.id, holdId: other.id, quantity: 10 })).toMatchObject({ ok: true, balance: { total: -50 } });
    expect(await ledgerMismatches(t.sql)).toEqual([]);
  });

  it("a capture within the hold is accepted even after the grace it was taken under ended", async () => {
    const org = await makeOrg(t.db, { topup: 10 });
    const attemptId = randomUUID();
    await grantGrace(t.db, { orgId: org.id, attemptId, credits: 100 });
    const h = await hold(org.id, 60);
    await debitCredits(t.db, org.id, [{ quantity: 30 }]); // -20, 60 held: available 20
    await endGrace(t.db, { orgId: org.id, attemptId }); // the recharge failed
    expect((await debitCredits(t.db, org.id, [{ quantity: 1 }]))[0]!.ok).toBe(false);
    expect(await captureHold(t.db, { orgId: org.id, holdId: h.id, quantity: 61 })).toMatchObject({ ok: false, code: "insufficient_credits" });
    expect(await captureHold(t.db, { orgId: org.id, holdId: h.id, quantity: 60 })).toMatchObject({ ok: true, balance: { total: -80, overdraft: 80 } });
    expect(await ledgerMismatches(t.sql)).toEqual([]);
  });

  it("capture or release after expiry → expired (and its credits are released); release → released, once", async () => {
    const org = await makeOrg(t.db, { topup: 100 });
    const a = await hold(org.id, 30, { expiresIn: 60 });
    const r = await captureHold(t.db, { orgId: org.id, holdId: a.id, quantity: 5, now: later(61) });
    expect(r).toMatchObject({ ok: false, code: "conflict", reason: "expired" });
    expect(await heldOf(org.id)).toBe(0);
    expect((await getBalance(t.db, org.id)).total).toBe(100);
    const b = await hold(org.id, 40);
    expect(await releaseHold(t.db, { orgId: org.id, holdId: b.id })).toMatchObject({ ok: true, hold: { status: "released" }, balance: { heldCredits: 0 } });
    expect(await releaseHold(t.db, { orgId: org.id, holdId: b.id })).toMatchObject({ ok: false, code: "conflict", reason: "released" });
    expect(await captureHold(t.db, { orgId: org.id, holdId: b.id, quantity: 1 })).toMatchObject({ ok: false, code: "conflict", reason: "released" });
    expect(await releaseHold(t.db, { orgId: org.id, holdId: randomUUID() })).toEqual({ ok: false, code: "not_found" });
    const elsewhere = await makeOrg(t.db, { topup: 1 });
    const c = await hold(org.id, 1);
    expect(await captureHold(t.db, { orgId: elsewhere.id, holdId: c.id, quantity: 1 })).toEqual({ ok: false, code: "not_found" });
    expect((await getBalance(t.db, org.id)).total).toBe(100);
  });

  it("the sweep expires every active hold past its expiry, and only those", async () => {
    const org = await makeOrg(t.db, { topup: 100 });
    const short = [await hold(org.id, 5, { expiresIn: 10 }), await hold(org.id, 7, { expiresIn: 20 })];
    const long = await hold(org.id, 11, { expiresIn: 2 * HOUR });
    const captured = await hold(org.id, 3, { expiresIn: 10 });
    await captureHold(t.db, { orgId: org.id, holdId: captured.id, quantity: 3 });
    expect(await heldOf(org.id)).toBe(23);
    expect(await expireHolds(t.db, later(HOUR))).toBeGreaterThanOrEqual(2);
    expect(await heldOf(org.id)).toBe(11);
    for (const h of short) expect((await getHold(t.db, org.id, h.id))!.status).toBe("expired");
    expect((await getHold(t.db, org.id, long.id))!.status).toBe("active");
    expect((await getHold(t.db, org.id, captured.id))!.status).toBe("captured");
    expect(await expireHolds(t.db, later(HOUR))).toBe(0);
  });

  it("two processes capturing one hold at once: one capture; the same key replays it, another key is a conflict", async () => {
    const org = await makeOrg(t.db, { topup: 1000 });
    const p2 = createDb(t.url, { max: 4 });
    try {
      const h = await hold(org.id, 10);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          captureHold(i % 2 ? p2.db : t.db, { orgId: org.id, holdId: h.id, quantity: 7, idempotencyKey: i < 10 ? "cap-a" : `cap-${i}` }),
        ),
      );
      const captures = results.filter((r) => r.ok && !r.replayed);
      expect(captures).toHaveLength(1);
      const winner = captures[0]!;
      if (!winner.ok) return;
      const winnerKey = winner.hold.captureIdempotencyKey;
      for (const r of results) {
        if (r.ok) expect(r.hold.usageId).toBe(winner.hold.usageId);
        else expect(r).toMatchObject({ code: "conflict", reason: "captured" });
      }
      // every request sent with the winner's key got the capture (first or replayed)
      expect(results.filter((r) => r.ok)).toHaveLength(winnerKey === "cap-a" ? 10 : 1);
      expect((await getBalance(t.db, org.id)).total).toBe(993);
      expect(await ledgerMismatches(t.sql)).toEqual([]);
    } finally {
      await p2.close();
    }
  });

  it("held credits refuse a debit that would eat them, on the locked path and the compare-and-set alike", async () => {
    const org = await makeOrg(t.db, { topup: 100 });
    const c = createDebitCoalescer(t.db);
    expect((await c.debit(org.id, [{ quantity: 1 }]))[0]!.ok).toBe(true); // the coalescer now remembers held 0
    await hold(org.id, 60);
    expect((await c.debit(org.id, [{ quantity: 40 }]))[0]).toMatchObject({ ok: false, code: "insufficient_credits", balance: { available: 39 } });
    expect((await debitCredits(t.db, org.id, [{ quantity: 40 }]))[0]!.ok).toBe(false);
    expect((await c.debit(org.id, [{ quantity: 39 }]))[0]).toMatchObject({ ok: true, balance: { total: 60, heldCredits: 60, available: 0 } });
    expect(await createHold(t.db, { orgId: org.id, quantity: 1, expiresInSeconds: 60 })).toMatchObject({ ok: false, code: "insufficient_credits" });
    expect(await heldOf(org.id)).toBe(60);
  });

  it("create replays by key — also across two processes at once — holding once", async () => {
    const org = await makeOrg(t.db, { topup: 100 });
    const p2 = createDb(t.url, { max: 4 });
    try {
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => createHold(i % 2 ? p2.db : t.db, { orgId: org.id, quantity: 9, expiresInSeconds: 60, idempotencyKey: "call-1" })),
      );
      const ids = new Set(results.map((r) => (r.ok ? r.hold.id : "refused")));
      expect(ids.size).toBe(1);
      expect(results.filter((r) => r.ok && !r.replayed)).toHaveLength(1);
      expect(await heldOf(org.id)).toBe(9);
    } finally {
      await p2.close();
    }
  });
});
