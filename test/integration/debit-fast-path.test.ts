import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { creditTopup, debitCredits, getBalance } from "@/lib/ledger";
import type { DebitFlush } from "@/lib/ledger/debit";
import { createDebitCoalescer } from "@/lib/ledger/group-commit";
import { makeOrg } from "../support/factories";
import { ledgerMismatches } from "../support/invariants";
import { createTestDb, type TestDb } from "../support/test-db";

// The one-round-trip compare-and-set flush (lib/ledger/group-commit + debitIfUnchanged): whenever the
// balance it remembers is stale, it must write nothing and let the locked path answer on the true balance.
let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.drop();
});

function recordingCoalescer() {
  const flushes: DebitFlush["via"][] = [];
  const c = createDebitCoalescer(t.db, { onFlushed: (_org, f) => flushes.push(f.via) });
  return { c, flushes };
}

describe("compare-and-set debits", () => {
  it("after the first flush of an org, sequential debits take one statement each", async () => {
    const org = await makeOrg(t.db, { plan: 10, topup: 10 });
    const { c, flushes } = recordingCoalescer();
    for (let i = 0; i < 5; i++) await c.debit(org.id, [{ quantity: 3 }]);
    expect(flushes).toEqual(["row-lock", "compare-and-set", "compare-and-set", "compare-and-set", "compare-and-set"]);
    expect((await getBalance(t.db, org.id)).total).toBe(5);
    expect(await ledgerMismatches(t.sql)).toEqual([]);
  });

  it("a balance moved by another writer is not overwritten: the flush falls back and answers on the true balance", async () => {
    const org = await makeOrg(t.db, { plan: 10 });
    const { c, flushes } = recordingCoalescer();
    await c.debit(org.id, [{ quantity: 1 }]); // remembers 9
    await debitCredits(t.db, org.id, [{ quantity: 5 }]); // another process: 4 left
    const [r] = await c.debit(org.id, [{ quantity: 3 }]);
    expect(r).toMatchObject({ ok: true, balance: { total: 1 } });
    expect(flushes.at(-1)).toBe("row-lock");
    expect((await getBalance(t.db, org.id)).total).toBe(1);
    expect(await ledgerMismatches(t.sql)).toEqual([]);
  });

  it("a 402 is decided under the row lock: credits added elsewhere since the last flush are counted", async () => {
    const org = await makeOrg(t.db, { plan: 5 });
    const { c } = recordingCoalescer();
    await c.debit(org.id, [{ quantity: 5 }]); // remembers 0
    await creditTopup(t.db, { orgId: org.id, credits: 100, kind: "adjustment", reference: "t", idempotencyKey: "t:1" });
    const [r] = await c.debit(org.id, [{ quantity: 50 }]);
    expect(r).toMatchObject({ ok: true, balance: { planCredits: 0, topupCredits: 50 } });
  });

  it("an idempotency key applied before is replayed with its first result, not debited again", async () => {
    const org = await makeOrg(t.db, { plan: 20 });
    const { c, flushes } = recordingCoalescer();
    const [first] = await c.debit(org.id, [{ quantity: 4, idempotencyKey: "call-1" }]);
    await c.debit(org.id, [{ quantity: 1 }]);
    const [again] = await c.debit(org.id, [{ quantity: 4, idempotencyKey: "call-1" }]);
    expect(again).toEqual({ ...first, replayed: true });
    expect(flushes).toEqual(["row-lock", "compare-and-set", "row-lock"]);
    expect((await getBalance(t.db, org.id)).total).toBe(15);
  });

  it("two processes (two queues) on one org: every credit debited once, never below zero, one result per key", async () => {
    const org = await makeOrg(t.db, { plan: 100, topup: 50 });
    const a = createDebitCoalescer(t.db);
    const b = createDebitCoalescer(t.db);
    const calls = Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).debit(org.id, [{ quantity: 1, idempotencyKey: `k${i % 100}` }]));
    const results = (await Promise.all(calls)).map((r) => r[0]!);
    const ids = new Map<string, string>();
    results.forEach((r, i) => {
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      const key = `k${i % 100}`;
      if (ids.has(key)) expect(r.id).toBe(ids.get(key));
      else ids.set(key, r.id);
    });
    expect((await getBalance(t.db, org.id)).total).toBe(50);
    const rest = await Promise.all(Array.from({ length: 80 }, (_, i) => (i % 2 ? a : b).debit(org.id, [{ quantity: 1 }])));
    expect(rest.filter((r) => r[0]!.ok)).toHaveLength(50);
    expect((await getBalance(t.db, org.id)).total).toBe(0);
    expect(await ledgerMismatches(t.sql)).toEqual([]);
  });
});

describe("organizations with ledger history", () => {
  it("cannot be deleted; one without history can", async () => {
    const used = await makeOrg(t.db, { plan: 10 });
    const unused = await makeOrg(t.db);
    await expect(t.sql`DELETE FROM organizations WHERE id = ${used.id}`).rejects.toThrow(/ledger history/);
    await t.sql`DELETE FROM organizations WHERE id = ${unused.id}`;
    expect(await t.sql`SELECT id FROM organizations WHERE id IN (${used.id}, ${unused.id})`).toEqual([{ id: used.id }]);
  });
});
