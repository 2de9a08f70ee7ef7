import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getBalance } from "@/lib/ledger";
import { createDebitCoalescer } from "@/lib/ledger/group-commit";
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
    const [rollup] = await t.sql`SELECT COALESCE(SUM(credits), 0)::int AS credits, COALESCE(SUM(events), 0)::int AS events FROM usage_hourly WHERE org_id = ${org.id}`;
    const [ledger] = await t.sql`SELECT (-SUM(delta))::int AS credits FROM ledger_entries WHERE org_id = ${org.id} AND kind = 'usage'`;
    expect(rollup).toEqual({ credits: ledger!.credits, events: 60 });
    expect(ledger!.credits).toBe(180);
  });
});
