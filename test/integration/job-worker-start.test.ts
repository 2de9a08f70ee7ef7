import { afterAll, beforeAll, expect, it } from "vitest";
import { createJobSender } from "@/lib/jobs/worker";
import { createTestDb, type TestDb } from "../support/test-db";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t?.drop();
});

// REFILL_WORKERS=N starts N processes at once on a fresh database: each creates pg-boss's queues. Postgres may
// abort one of two concurrent create_queue calls as a deadlock; a process must not be left without its worker.
it("four processes starting at once on a fresh database all get their queues (no deadlock left unhandled)", async () => {
  for (let round = 0; round < 2; round++) {
    await t.sql`DROP SCHEMA IF EXISTS pgboss CASCADE`;
    const results = await Promise.allSettled(Array.from({ length: 4 }, () => createJobSender(t.url)));
    const failures = results.filter((r) => r.status === "rejected").map((r) => String((r as PromiseRejectedResult).reason));
    for (const r of results) if (r.status === "fulfilled") await r.value.stop();
    expect(failures).toEqual([]);
  }
  const [queues] = await t.sql`SELECT count(*)::int AS n FROM pgboss.queue`;
  expect(queues!.n).toBeGreaterThan(0);
}, 120_000);
