import postgres from "postgres";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDb, type TestDb } from "../support/test-db";

// A Postgres restart terminates every backend (FATAL 57P01). postgres.js 3.4.9 then threw an uncatchable
// TypeError from a setImmediate (`socket.write` on a closed connection, porsager/postgres#1154 / #1208) and the
// whole app process died — found by the fault simulation's Postgres-restart op. patches/postgres+3.4.9.patch
// (applied by patch-package on install) guards that write. Without it this file ends in an uncaught exception,
// which Vitest reports as a failure.
let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.drop();
});

const nextImmediate = () => new Promise((r) => setImmediate(r));

it("a query written to a connection whose backend was terminated never throws out of the driver; other connections go on", async () => {
  const sql = postgres(t.url, { max: 2, onnotice: () => {} });
  const killer = postgres(t.url, { max: 1, onnotice: () => {} });
  try {
    const reserved = await sql.reserve();
    const [{ pid }] = await reserved<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
    await killer`SELECT pg_terminate_backend(${pid})`;
    const first = await reserved`SELECT 1`.then(
      () => null,
      (e: unknown) => e,
    );
    expect(first).toBeInstanceOf(Error);
    void reserved`SELECT 1`.catch(() => {}); // buffered, then written on the next immediate: the unpatched crash
    await nextImmediate();
    await nextImmediate();
    const fresh = postgres(t.url, { max: 1, onnotice: () => {} });
    expect(await fresh`SELECT 2 AS n`).toEqual([{ n: 2 }]);
    await fresh.end({ timeout: 1 });
  } finally {
    await Promise.all([sql.end({ timeout: 0 }), killer.end({ timeout: 1 })]);
  }
});
