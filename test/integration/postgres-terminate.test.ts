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

// The driver's first statement on each new connection (the array-types query, `fetch_types`) was never awaited:
// a backend terminated while it ran (a Postgres restart as a pool reconnects) was an unhandled rejection, which
// ends a Node process (porsager/postgres#1192, #1205, #1223; found by the simulation's two-process run). The
// patch catches it; the query waiting on that connection fails with a catchable error, and the pool goes on.
it("a connection terminated during its first (array types) query fails its waiting query, nothing unhandled", async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => unhandled.push(e);
  process.on("unhandledRejection", onUnhandled);
  const holder = postgres(t.url, { max: 1, onnotice: () => {} });
  const sql = postgres(t.url, { max: 1, onnotice: () => {} });
  // the observer works from another database: any statement of this one may need pg_type, which is locked
  const other = new URL(t.url);
  other.pathname = "/postgres";
  const killer = postgres(other.toString(), { max: 1, onnotice: () => {} });
  try {
    const blocked = await holder.reserve();
    await blocked`BEGIN`;
    await blocked`LOCK TABLE pg_catalog.pg_type IN ACCESS EXCLUSIVE MODE`; // the types query waits on it
    const waiting = sql`SELECT 1 AS n`.then(
      () => null,
      (e: unknown) => e,
    );
    let pid: number | undefined;
    for (let i = 0; i < 200 && pid === undefined; i++) {
      const rows = await killer<{ pid: number }[]>`SELECT pid FROM pg_stat_activity
        WHERE datname = ${t.url.split("/").pop()!} AND wait_event_type = 'Lock' AND query LIKE '%typarray%'`;
      pid = rows[0]?.pid;
      if (pid === undefined) await new Promise((r) => setTimeout(r, 10));
    }
    expect(pid).toBeDefined();
    await killer`SELECT pg_terminate_backend(${pid!})`;
    await blocked`ROLLBACK`;
    blocked.release();
    const failed = await waiting;
    if (failed !== null) expect(failed).toBeInstanceOf(Error); // or retried on a new connection: either is caught
    expect(await sql`SELECT 2 AS n`).toEqual([{ n: 2 }]);
    for (let i = 0; i < 3; i++) await nextImmediate();
    expect(unhandled).toEqual([]);
  } finally {
    process.off("unhandledRejection", onUnhandled);
    await Promise.all([sql.end({ timeout: 1 }), holder.end({ timeout: 1 }), killer.end({ timeout: 1 })]);
  }
});
