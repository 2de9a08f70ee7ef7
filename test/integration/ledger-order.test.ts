import { afterAll, beforeAll, expect, it } from "vitest";
import { debitCredits } from "@/lib/ledger";
import { makeOrg } from "../support/factories";
import { createTestDb, type TestDb } from "../support/test-db";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.drop();
});

it("a batch's ledger entries are stored in arrival order: replaying them by id gives each pool's balance_after", async () => {
  const org = await makeOrg(t.db, { plan: 300, topup: 300 });
  await debitCredits(
    t.db,
    org.id,
    Array.from({ length: 200 }, (_, i) => ({ quantity: (i % 4) + 1 })),
  );
  const rows = await t.sql<{ pool: string; delta: number; balance_after: number }[]>`
    SELECT pool, delta, balance_after FROM ledger_entries WHERE org_id = ${org.id} ORDER BY id`;
  const running: Record<string, number> = { plan: 0, topup: 0 };
  for (const r of rows) {
    running[r.pool]! += r.delta;
    expect(r.balance_after).toBe(running[r.pool]);
  }
  expect(running).toEqual({ plan: 0, topup: 100 });
});
