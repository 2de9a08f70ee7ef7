import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getBalance } from "@/lib/ledger";
import { createDb } from "@/db/client";
import { createDebitCoalescer } from "@/lib/ledger/group-commit";
import { LedgerWriteError } from "@/lib/ledger/write-error";
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

describe("group commit", () => {
  it("coalesces concurrent debits into few transactions, each answered exactly, in arrival order", async () => {
    const org = await makeOrg(t.db, { plan: 100, topup: 50 });
    let flushes = 0;
    const c = createDebitCoalescer(t.db, { onFlushed: () => flushes++ });
    const results = await Promise.all(Array.from({ length: 200 }, () => c.debit(org.id, [{ quantity: 1 }]).then((r) => r[0]!)));
    expect(results.filter((r) => r.ok)).toHaveLength(150);
    expect(results.slice(150).every((r) => !r.ok && r.code === "insufficient_credits")).toBe(true);
    // arrival order: the i-th success leaves 150 - i - 1 credits
    results.slice(0, 150).forEach((r, i) => expect(r.balance.total).toBe(149 - i));
    expect(flushes).toBeLessThan(20);
    expect((await getBalance(t.db, org.id)).total).toBe(0);
    expect(await ledgerMismatches(t.sql)).toEqual([]);
  });

  it("keeps each request's idempotency inside and across batches", async () => {
    const org = await makeOrg(t.db, { plan: 10 });
    const c = createDebitCoalescer(t.db);
    const same = await Promise.all(Array.from({ length: 5 }, () => c.debit(org.id, [{ quantity: 2, idempotencyKey: "dup" }])));
    const ids = new Set(same.map((r) => (r[0]!.ok ? r[0]!.id : "refused")));
    expect(ids.size).toBe(1);
    expect((await getBalance(t.db, org.id)).total).toBe(8);
  });

  it("refuses a bad quantity before queueing, without failing the others", async () => {
    const org = await makeOrg(t.db, { plan: 10 });
    const c = createDebitCoalescer(t.db);
    const good = c.debit(org.id, [{ quantity: 1 }]);
    await expect(c.debit(org.id, [{ quantity: 0 }])).rejects.toThrow(/integer/);
    expect((await good)[0]!.ok).toBe(true);
  });

  it("fills a flush with whole calls up to maxBatch: a call is never split, one longer than maxBatch goes alone", async () => {
    const org = await makeOrg(t.db, { plan: 1000 });
    const sizes: number[] = [];
    const c = createDebitCoalescer(t.db, { maxBatch: 4, onFlushed: (_org, f) => sizes.push(f.results.length) });
    // the first call is flushed at once; the rest queue behind it, in this order
    const calls = [1, 2, 2, 1, 6, 3, 1].map((n) =>
      c.debit(
        org.id,
        Array.from({ length: n }, () => ({ quantity: 1 })),
      ),
    );
    const answers = await Promise.all(calls);
    expect(sizes).toEqual([1, 4, 1, 6, 4]); // [1] [2,2] [1] [6] [3,1]: whole calls, ≤ 4 unless one call is longer
    expect(answers.map((a) => a.length)).toEqual([1, 2, 2, 1, 6, 3, 1]);
    // each call gets its own results, in arrival order: 16 debits of 1 leave 1000 − i after the i-th
    expect(answers.flat().map((r) => r.balance.total)).toEqual(Array.from({ length: 16 }, (_, i) => 999 - i));
  });

  it("serializes orgs independently: a batch of one org never waits on another's", async () => {
    const a = await makeOrg(t.db, { plan: 1000 });
    const b = await makeOrg(t.db, { plan: 1000 });
    const c = createDebitCoalescer(t.db);
    await Promise.all([
      ...Array.from({ length: 50 }, () => c.debit(a.id, [{ quantity: 3 }])),
      ...Array.from({ length: 50 }, () => c.debit(b.id, [{ quantity: 7 }])),
    ]);
    expect((await getBalance(t.db, a.id)).total).toBe(850);
    expect((await getBalance(t.db, b.id)).total).toBe(650);
  });
});

describe("hourly usage rollup", () => {
  it("equals the sum of usage entries, written in the same transaction as the debits", async () => {
    const org = await makeOrg(t.db, { plan: 500 });
    const c = createDebitCoalescer(t.db);
    await Promise.all(Array.from({ length: 60 }, (_, i) => c.debit(org.id, [{ quantity: (i % 5) + 1 }])));
    const [rollup] =
      await t.sql`SELECT COALESCE(SUM(credits), 0)::int AS credits, COALESCE(SUM(events), 0)::int AS events FROM usage_hourly WHERE org_id = ${org.id}`;
    const [ledger] = await t.sql`SELECT (-SUM(delta))::int AS credits FROM ledger_entries WHERE org_id = ${org.id} AND kind = 'usage'`;
    expect(rollup).toEqual({ credits: ledger!.credits, events: 60 });
    expect(ledger!.credits).toBe(180);
  });
});

describe("the same idempotency key on two processes at once", () => {
  it("never fails a batch: the duplicate replays the first result, its neighbours get their own answers", async () => {
    // Two "processes": each its own pool and coalescer, on the same database.
    const p1 = createDb(t.url, { max: 4 });
    const p2 = createDb(t.url, { max: 4 });
    try {
      const org = await makeOrg(t.db, { plan: 1_000_000 });
      const c1 = createDebitCoalescer(p1.db);
      const c2 = createDebitCoalescer(p2.db);
      let spent = 0;
      for (let round = 0; round < 40; round++) {
        const key = `dup-${round}`;
        const innocent = (c: typeof c1, n: number) =>
          Array.from({ length: n }, (_, i) => c.debit(org.id, [{ quantity: 1, idempotencyKey: i % 2 ? `r${round}-${n}-${i}-${c === c1}` : null }]));
        const [a, b, ...rest] = await Promise.all([
          c1.debit(org.id, [{ quantity: 3, idempotencyKey: key }]),
          c2.debit(org.id, [{ quantity: 3, idempotencyKey: key }]),
          ...innocent(c1, 15),
          ...innocent(c2, 15),
        ]);
        spent += 3 + 30;
        const [first, second] = [a![0]!, b![0]!];
        expect(first.ok && second.ok).toBe(true);
        if (!first.ok || !second.ok) continue;
        expect(second.id).toBe(first.id);
        expect(second.balance).toEqual(first.balance);
        expect([first.replayed, second.replayed].sort()).toEqual([false, true]);
        expect(rest.every((r) => r[0]!.ok && !r[0]!.replayed)).toBe(true);
      }
      const [dups] = await t.sql`SELECT count(*)::int AS n FROM usage_events WHERE org_id = ${org.id} AND idempotency_key LIKE 'dup-%'`;
      expect(dups!.n).toBe(40);
      expect((await getBalance(t.db, org.id)).total).toBe(1_000_000 - spent);
      expect(await ledgerMismatches(t.sql)).toEqual([]);
    } finally {
      await Promise.all([p1.close(), p2.close()]);
    }
  });
});

describe("idle()", () => {
  it("resolves once every queued flush and its afterFlush are done", async () => {
    const org = await makeOrg(t.db, { plan: 1000 });
    let afterDone = 0;
    let flushed = 0;
    const c = createDebitCoalescer(t.db, {
      afterFlush: async () => {
        await new Promise((r) => setTimeout(r, 20));
        afterDone++;
      },
      onFlushed: () => flushed++,
    });
    let answered = 0;
    for (let i = 0; i < 100; i++) void c.debit(org.id, [{ quantity: 1 }]).then(() => answered++);
    await c.idle();
    expect(answered).toBe(100);
    expect(afterDone).toBe(flushed);
    expect((await getBalance(t.db, org.id)).total).toBe(900);
    await c.idle(); // idle again with nothing queued resolves at once
  });
});

describe("a database error during a flush", () => {
  it("rejects every request of the batch with applied: false when the connection is refused", async () => {
    const dead = createDb("postgres://postgres@127.0.0.1:1/nowhere", { max: 1 });
    try {
      const c = createDebitCoalescer(dead.db);
      const err = await c.debit("00000000-0000-0000-0000-000000000000", [{ quantity: 1 }]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LedgerWriteError);
      expect((err as LedgerWriteError).applied).toBe(false);
    } finally {
      await dead.close();
    }
  });

  it("says applied: false when the server aborts the transaction before COMMIT, and nothing is written", async () => {
    const org = await makeOrg(t.db, { plan: 100 });
    const other = createDb(t.url, { max: 2 });
    try {
      const c = createDebitCoalescer(other.db);
      // Hold the row lock so the flush waits inside its transaction, then have the server cancel its statement
      // (an error answer, like 57P01 on a shutdown; terminating the backend instead trips a postgres.js 3.4
      // bug, a write on the closed socket from a pending setImmediate).
      const result = await t.sql.begin(async (tx) => {
        await tx`SELECT 1 FROM credit_balances WHERE org_id = ${org.id} FOR UPDATE`;
        const pending = c.debit(org.id, [{ quantity: 5 }, { quantity: 7, idempotencyKey: "k" }]).catch((e: unknown) => e);
        let pid: number | undefined;
        while (pid === undefined) {
          const [w] = await t.sql<{ pid: number }[]>`
            SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' LIMIT 1`;
          pid = w?.pid;
        }
        await t.sql`SELECT pg_cancel_backend(${pid})`;
        return pending;
      });
      expect(result).toBeInstanceOf(LedgerWriteError);
      expect((result as LedgerWriteError).applied).toBe(false);
      expect((await getBalance(t.db, org.id)).total).toBe(100);
      const [n] = await t.sql`SELECT count(*)::int AS n FROM usage_events WHERE org_id = ${org.id}`;
      expect(n!.n).toBe(0);
    } finally {
      await other.close();
    }
  });
});
