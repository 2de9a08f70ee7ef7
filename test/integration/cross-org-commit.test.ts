import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type DbHandle } from "@/db/client";
import { debitCredits, getBalance } from "@/lib/ledger";
import { debitManyIfUnchanged, isCasMiss, type CasOutcome } from "@/lib/ledger/debit-many";
import { createCasCombiner } from "@/lib/ledger/cas-combiner";
import { debitLocked, type DebitFlush } from "@/lib/ledger/debit";
import { createDebitCoalescer, type DebitCoalescer } from "@/lib/ledger/group-commit";
import { makeOrg } from "../support/factories";
import { ledgerMismatches } from "../support/invariants";
import { createTestDb, type TestDb } from "../support/test-db";

// Cross-org group commit (lib/ledger/debit-many + cas-combiner): many orgs' compare-and-set debits in ONE
// statement, each org still decided exactly on its own balance and keys — a stale org is left out, not
// overwritten, and its neighbours in the statement are written.
let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.drop();
});

/** Each outcome's `via`, null for a miss. */
const vias = (out: readonly CasOutcome[]) => out.map((f) => (isCasMiss(f) ? null : f.via));

const usageRows = async (orgId: string) =>
  t.sql<{ quantity: number; meter: string; units: number }[]>`SELECT quantity, meter, units FROM usage_events WHERE org_id = ${orgId}`;

describe("debitManyIfUnchanged", () => {
  it("writes each org whose balance and keys are unchanged, and leaves out (a miss) exactly the stale ones", async () => {
    const fresh = await makeOrg(t.db, { plan: 2, topup: 10 }); // 5 credits: 2 from plan, 3 from top-up
    const moved = await makeOrg(t.db, { plan: 50 });
    const keyed = await makeOrg(t.db, { plan: 50 });
    const short = await makeOrg(t.db, { plan: 3 });
    const metered = await makeOrg(t.db, { plan: 100 });
    const expected = Object.fromEntries(await Promise.all([fresh, moved, keyed, short, metered].map(async (o) => [o.id, await getBalance(t.db, o.id)])));
    await debitCredits(t.db, moved.id, [{ quantity: 1 }]); // another writer since: 49 left
    await debitCredits(t.db, keyed.id, [{ quantity: 1, idempotencyKey: "k-1" }]); // the key is applied (and the balance moved)

    const out = await debitManyIfUnchanged(t.db, [
      { orgId: fresh.id, requests: [{ quantity: 5, idempotencyKey: "f-1" }], expected: expected[fresh.id]! },
      { orgId: moved.id, requests: [{ quantity: 7 }], expected: expected[moved.id]! },
      { orgId: keyed.id, requests: [{ quantity: 1, idempotencyKey: "k-1" }], expected: expected[keyed.id]! },
      { orgId: short.id, requests: [{ quantity: 4 }], expected: expected[short.id]! },
      {
        orgId: metered.id,
        requests: [{ quantity: 10, measure: { meter: "minute.premium", units: 2, properties: { agent: "a" }, occurredAt: null } }, { quantity: 1 }],
        expected: expected[metered.id]!,
      },
    ]);

    expect(vias(out)).toEqual(["compare-and-set", null, null, null, "compare-and-set"]);
    const [wrote, , , , wroteMetered] = out as [DebitFlush, CasOutcome, CasOutcome, CasOutcome, DebitFlush];
    expect(wrote.results[0]).toMatchObject({ ok: true, balance: { planCredits: 0, topupCredits: 7 } });
    expect(wroteMetered.results.map((r) => r.ok && r.balance.total)).toEqual([90, 89]);
    // Only the balance had moved: the miss carries the row as the statement locked it. A key applied before or a
    // refusal carry none (a retry cannot help: the key replays, the refusal is decided under the lock).
    expect(out[1]).toMatchObject({ written: false, current: { planCredits: 49, topupCredits: 0, total: 49 } });
    expect(out.slice(2, 4)).toEqual([
      { written: false, current: null },
      { written: false, current: null },
    ]);
    expect((await getBalance(t.db, fresh.id)).total).toBe(7);
    expect((await getBalance(t.db, moved.id)).total).toBe(49); // not overwritten with 43
    expect((await getBalance(t.db, keyed.id)).total).toBe(49);
    expect((await getBalance(t.db, short.id)).total).toBe(3); // a refusal is decided under the lock, not here
    expect((await getBalance(t.db, metered.id)).total).toBe(89);
    expect(await usageRows(fresh.id)).toEqual([{ quantity: 5, meter: "call", units: 5 }]);
    expect(await usageRows(metered.id)).toEqual([{ quantity: 10, meter: "minute.premium", units: 2 }]);
    const [hourly] = await t.sql`SELECT credits::int, events FROM usage_hourly WHERE org_id = ${metered.id}`;
    expect(hourly).toMatchObject({ credits: 11, events: 2 });
    const [prop] = await t.sql`SELECT units::int, credits::int FROM usage_property_hourly WHERE org_id = ${metered.id} AND key = 'agent'`;
    expect(prop).toMatchObject({ units: 2, credits: 10 });
    expect(await ledgerMismatches(t.sql)).toEqual([]);
  });
});

describe("debitManyIfUnchanged at scale", () => {
  // The statement once anti-joined ALL of usage_events (a hash of every stored key) to check a handful of new
  // keys: 15 ms per statement at 50,000 stored events, growing with history. Each org's keys are now looked up
  // in its own (org_id, idempotency_key) index; the table is never read whole.
  it("checks the new idempotency keys by index, without scanning the usage history", async () => {
    // Its own database: the table's scan counter must not move for other tests' reads of usage_events, whose
    // backends report their counts up to seconds later (PostgreSQL flushes statistics lazily).
    const own = await createTestDb();
    const one = createDb(own.url, { max: 1 }); // one backend: its statistics are flushed on demand below
    try {
      const orgs = await Promise.all(Array.from({ length: 8 }, () => makeOrg(own.db, { plan: 1000 })));
      await own.sql`INSERT INTO usage_events (id, org_id, idempotency_key, quantity, plan_credits_after, topup_credits_after, meter, units)
        SELECT gen_random_uuid(), ${orgs[0]!.id}, 'history-' || g, 1, 0, 0, 'call', 1 FROM generate_series(1, 20000) g`;
      await own.sql`ANALYZE usage_events`;
      const seqScans = async () => {
        await one.sql`SELECT pg_stat_force_next_flush()`;
        const [r] = await own.sql<{ n: number }[]>`SELECT seq_scan::int AS n FROM pg_stat_user_tables WHERE relname = 'usage_events'`;
        return r!.n;
      };
      const before = await seqScans();
      const items = await Promise.all(
        orgs.map(async (o, i) => ({
          orgId: o.id,
          requests: [{ quantity: 2, idempotencyKey: i === 0 ? "history-7" : `new-${i}` }],
          expected: await getBalance(own.db, o.id),
        })),
      );
      const out = await debitManyIfUnchanged(one.db, items);
      expect(vias(out)).toEqual([null, ...orgs.slice(1).map(() => "compare-and-set")]); // a stored key: left out
      expect(await seqScans()).toBe(before);
    } finally {
      await one.close();
      await own.drop();
    }
  });
});

describe("the coalescer across orgs", () => {
  it("32 orgs × 32 concurrent keyed debits share statements, every total exact, every key once", async () => {
    const orgs = await Promise.all(Array.from({ length: 32 }, () => makeOrg(t.db, { plan: 1000 })));
    const statements: number[] = [];
    const c = createDebitCoalescer(t.db, { onCasStatement: (n) => statements.push(n) });
    await Promise.all(orgs.map((o) => c.debit(o.id, [{ quantity: 1 }]))); // each org's first flush: the locked path
    const rounds = await Promise.all(
      Array.from({ length: 32 }, (_, i) =>
        Promise.all(
          orgs.map(async (o, j) => {
            if (i === 16 && j % 4 === 0) await debitCredits(t.db, o.id, [{ quantity: 100 }]); // another writer, mid-burst
            return c.debit(o.id, [{ quantity: 3, idempotencyKey: `r${i}` }]);
          }),
        ),
      ),
    );
    expect(rounds.flat().every(([r]) => r!.ok)).toBe(true);
    for (const [j, o] of orgs.entries()) expect((await getBalance(t.db, o.id)).total).toBe(1000 - 1 - 32 * 3 - (j % 4 === 0 ? 100 : 0));
    const [dup] = await t.sql`SELECT count(*)::int AS n FROM (SELECT 1 FROM usage_events GROUP BY org_id, idempotency_key HAVING count(*) > 1) d`;
    expect(dup!.n).toBe(0);
    expect(Math.max(...statements)).toBeGreaterThan(1); // orgs did share a statement
    expect(await ledgerMismatches(t.sql)).toEqual([]);
  });

  it("two processes (two pools, two coalescers) over the same 16 orgs: no error, no lost or doubled debit", async () => {
    const orgs = await Promise.all(Array.from({ length: 16 }, () => makeOrg(t.db, { plan: 100_000 })));
    const pools: DbHandle[] = [createDb(t.url, { max: 8 }), createDb(t.url, { max: 8 })];
    try {
      const coalescers = pools.map((p) => createDebitCoalescer(p.db));
      let n = 0;
      await Promise.all(
        Array.from({ length: 32 }, async (_, worker) => {
          for (let i = 0; i < 40; i++) {
            const o = orgs[(worker * 7 + i) % orgs.length]!;
            const [r] = await coalescers[worker % 2]!.debit(o.id, [{ quantity: 1 }]);
            expect(r!.ok).toBe(true);
            n++;
          }
        }),
      );
      const totals = await Promise.all(orgs.map(async (o) => 100_000 - (await getBalance(t.db, o.id)).total));
      expect(totals.reduce((a, b) => a + b, 0)).toBe(n);
      expect(await ledgerMismatches(t.sql)).toEqual([]);
    } finally {
      await Promise.all(pools.map((p) => p.close()));
    }
  });

  it("an org another process wrote since is retried on the row the shared statement locked, not sent down the locked path", async () => {
    // Two processes: A's memory of each org's balance goes stale whenever B writes it. A miss in a shared statement
    // hands back the row it locked, and one more compare-and-set expects it — instead of one locked transaction
    // per org (BEGIN, lock, write, COMMIT), which made two processes over 1,000 orgs a third slower.
    const orgs = await Promise.all(Array.from({ length: 8 }, () => makeOrg(t.db, { plan: 1000 })));
    const pools: DbHandle[] = [createDb(t.url, { max: 8 }), createDb(t.url, { max: 8 })];
    try {
      const via: string[] = [];
      const statements: number[] = [];
      const a = createDebitCoalescer(pools[0]!.db, { onCasStatement: (n) => statements.push(n), onFlushed: (_, f) => via.push(f.via) });
      const b = createDebitCoalescer(pools[1]!.db);
      await Promise.all(orgs.map((o) => a.debit(o.id, [{ quantity: 1 }]))); // A's first flushes: the locked path
      await Promise.all(orgs.map((o) => b.debit(o.id, [{ quantity: 2 }]))); // B writes every org: A's memory is stale
      via.length = 0;
      statements.length = 0;
      // A lone flush goes at once in the single-org statement; the 7 that come while it runs share the next one.
      const results = await Promise.all(orgs.map((o) => a.debit(o.id, [{ quantity: 3 }])));
      expect(results.every(([r]) => r!.ok && r!.balance.total === 1000 - 1 - 2 - 3)).toBe(true);
      // the lone one, then the shared one that missed all 7; their retries (however the combiner groups them) wrote
      expect(statements.slice(0, 2)).toEqual([1, 7]);
      expect(statements.slice(2).reduce((a, b) => a + b, 0)).toBe(7);
      expect(via.filter((v) => v === "row-lock")).toHaveLength(1); // only the lone flush, whose statement reads no row
      for (const o of orgs) expect((await getBalance(t.db, o.id)).total).toBe(1000 - 1 - 2 - 3);
      expect(await ledgerMismatches(t.sql)).toEqual([]);
    } finally {
      await Promise.all(pools.map((p) => p.close()));
    }
  });

  it("the retry on a stale balance with the same keys on two processes, concurrency 32: each key applied once, replayed alike", async () => {
    // Both processes' memories are stale, so their shared statements miss and hand back rows to retry on; each key is
    // reported to both at once. A retry must never apply a key the other process applied (its miss carries no row
    // then, and the statement's guard checks the keys again).
    const orgs = await Promise.all(Array.from({ length: 8 }, () => makeOrg(t.db, { plan: 1000 })));
    const pools: DbHandle[] = [createDb(t.url, { max: 8 }), createDb(t.url, { max: 8 })];
    try {
      const [a, b] = pools.map((p) => createDebitCoalescer(p.db)) as [DebitCoalescer, DebitCoalescer];
      for (const c of [a, b, a]) await Promise.all(orgs.map((o) => c.debit(o.id, [{ quantity: 1 }]))); // a's memory: stale
      const answers = await Promise.all(
        Array.from({ length: 32 }, (_, k) => {
          const o = orgs[k % orgs.length]!;
          return Promise.all([b, a].map((c) => c.debit(o.id, [{ quantity: 2, idempotencyKey: `same-${k}` }])));
        }),
      );
      for (const [[x], [y]] of answers) expect(x!.ok && y!.ok && x!.id === y!.id).toBe(true);
      for (const o of orgs) expect((await getBalance(t.db, o.id)).total).toBe(1000 - 3 - (32 / orgs.length) * 2);
      const [dup] = await t.sql`SELECT count(*)::int AS n FROM (SELECT 1 FROM usage_events GROUP BY org_id, idempotency_key HAVING count(*) > 1) d`;
      expect(dup!.n).toBe(0);
      expect(await ledgerMismatches(t.sql)).toEqual([]);
    } finally {
      await Promise.all(pools.map((p) => p.close()));
    }
  });

  it("one org's statement stuck on another writer's row lock does not stall the other orgs (the hedge)", async () => {
    const [stuck, free] = await Promise.all([makeOrg(t.db, { plan: 1000 }), makeOrg(t.db, { plan: 1000 })]);
    const statements: number[] = [];
    const c = createDebitCoalescer(t.db, { onCasStatement: (n) => statements.push(n) });
    await Promise.all([stuck, free].map((o) => c.debit(o.id, [{ quantity: 1 }]))); // first flushes: the locked path
    const other = createDb(t.url, { max: 1 });
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const holder = other.sql.begin(async (tx) => {
      await tx`SELECT 1 FROM credit_balances WHERE org_id = ${stuck.id} FOR UPDATE`;
      locked();
      await released;
    });
    try {
      await isLocked;
      const stuckDebit = c.debit(stuck.id, [{ quantity: 2 }]); // its compare-and-set waits for the row
      while (statements.length < 1) await new Promise((r) => setImmediate(r)); // it is out
      const freeDebit = c.debit(free.id, [{ quantity: 3 }]);
      const first = await Promise.race([freeDebit.then(() => "free"), stuckDebit.then(() => "stuck"), new Promise((r) => setTimeout(r, 10_000, "timeout"))]);
      expect(first).toBe("free"); // answered while the other org's row is still locked
      release();
      await holder;
      expect((await stuckDebit)[0]!.ok).toBe(true);
      expect((await getBalance(t.db, stuck.id)).total).toBe(1000 - 1 - 2);
      expect((await getBalance(t.db, free.id)).total).toBe(1000 - 1 - 3);
    } finally {
      release();
      await holder.catch(() => {});
      await other.close();
    }
  });

  it("under load a lone flush waits for the next ones (no convoy of one-org statements); at low load nothing waits", async () => {
    const orgs = await Promise.all(Array.from({ length: 8 }, () => makeOrg(t.db, { plan: 1000 })));
    const balance = new Map(await Promise.all(orgs.map(async (o) => [o.id, (await debitLocked(t.db, o.id, [{ quantity: 1 }])).balance] as const)));
    const sizes: number[] = [];
    const c = createCasCombiner(t.db, { gatherMs: 300, onStatement: (n) => sizes.push(n) });
    const debit = async (orgId: string) => {
      const flush = await c.debit({ orgId, requests: [{ quantity: 1 }], expected: balance.get(orgId)! });
      if (isCasMiss(flush)) throw new Error(`a compare-and-set missed: ${JSON.stringify(flush)}`);
      balance.set(orgId, flush.balance);
    };
    // Low load: the first flush goes at once, alone; the 7 that came while it ran go together.
    await Promise.all(orgs.map((o) => debit(o.id)));
    expect(sizes).toEqual([1, 7]);
    // Under load (the last statement carried 7): a lone flush waits while fewer than half that many are waiting…
    const lone = debit(orgs[0]!.id);
    expect(sizes).toEqual([1, 7]);
    // …and goes the moment 4 are waiting, with them, in one statement.
    await Promise.all([lone, ...orgs.slice(1, 4).map((o) => debit(o.id))]);
    expect(sizes).toEqual([1, 7, 4]);
    // Nobody else comes: it goes alone once `gatherMs` has passed, not before.
    const t0 = performance.now();
    await debit(orgs[4]!.id);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
    expect(sizes).toEqual([1, 7, 4, 1]);
    // The last statement carried one org (low load again): the next lone flush goes at once.
    const next = debit(orgs[5]!.id);
    expect(sizes).toEqual([1, 7, 4, 1, 1]);
    await next;
    for (const o of orgs) expect((await getBalance(t.db, o.id)).total).toBe(balance.get(o.id)!.total);
    expect(await ledgerMismatches(t.sql)).toEqual([]);
  });
});
