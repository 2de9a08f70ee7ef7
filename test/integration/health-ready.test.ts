import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "@/db/client";
import { resetEnvCache } from "@/lib/env";
import { checkReadiness } from "@/lib/ops/readiness";
import { createTestDb, type TestDb } from "../support/test-db";

// GET /api/health (process up) and GET /api/ready (database, migrations, worker), on a real database.
let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
  process.env.DATABASE_URL = t.url;
  process.env.REFILL_DISABLE_WORKER = "1";
  resetEnvCache();
});
afterAll(async () => {
  delete process.env.REFILL_DISABLE_WORKER;
  const { getDbHandle } = await import("@/db/client");
  await getDbHandle().close();
  await t.drop();
});

describe("GET /api/health", () => {
  it("200 with status ok, no dependency checked", async () => {
    const { GET } = await import("@/app/api/health/route");
    const res = GET();
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", uptime_s: expect.any(Number) });
  });
});

describe("GET /api/ready", () => {
  it("200 ready on a migrated database with the worker disabled in this process", async () => {
    const { GET } = await import("@/app/api/ready/route");
    const res = await GET();
    const body = await res.json();
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ status: "ready", checks: { database: { ok: true }, migrations: { ok: true }, worker: { ok: true, status: "disabled" } } });
    expect(body.checks.migrations.applied).toBe(body.checks.migrations.expected);
  });

  it("503 naming the missing migration when one is not applied", async () => {
    const [last] =
      await t.sql`DELETE FROM drizzle.__drizzle_migrations WHERE id = (SELECT max(id) FROM drizzle.__drizzle_migrations) RETURNING id, hash, created_at`;
    try {
      const { GET } = await import("@/app/api/ready/route");
      const res = await GET();
      expect(res.status).toBe(503);
      const body = await res.json();
      expect(body.status).toBe("not_ready");
      expect(body.checks.migrations.ok).toBe(false);
      expect(body.checks.migrations.missing).toHaveLength(1);
    } finally {
      await t.sql`INSERT INTO drizzle.__drizzle_migrations (id, hash, created_at) VALUES (${last!.id}, ${last!.hash}, ${last!.created_at})`;
    }
  });

  it("not ready when the database does not answer, or the worker should run but does not", async () => {
    const dead = createDb("postgres://postgres@127.0.0.1:1/none");
    try {
      const r = await checkReadiness(dead.db, { worker: "disabled", timeoutMs: 3000 });
      expect(r.ready).toBe(false);
      expect(r.checks.database.ok).toBe(false);
      expect(r.checks.migrations.ok).toBe(false);
    } finally {
      await dead.close().catch(() => {});
    }
    for (const worker of ["starting", "failed"] as const) {
      const r = await checkReadiness(t.db, { worker });
      expect(r).toMatchObject({ ready: false, checks: { database: { ok: true }, migrations: { ok: true }, worker: { ok: false, status: worker } } });
    }
  });
});
