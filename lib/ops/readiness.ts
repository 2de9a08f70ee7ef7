import { readFile } from "node:fs/promises";
import path from "node:path";
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";

/**
 * What `GET /api/ready` reports: the database answers, every migration in drizzle/meta/_journal.json
 * is applied (drizzle's `drizzle.__drizzle_migrations`, matched by each entry's `when`), and the job
 * worker is running when this process should run one. Ready only when all three hold.
 */
type WorkerStatus = "running" | "starting" | "failed" | "disabled";

interface Readiness {
  ready: boolean;
  checks: {
    database: { ok: boolean; error?: string };
    migrations: { ok: boolean; applied?: number; expected?: number; missing?: string[]; error?: string };
    worker: { ok: boolean; status: WorkerStatus };
  };
}

interface Journal {
  entries: { tag: string; when: number }[];
}

export async function checkReadiness(db: DbOrTx, opts: { worker: WorkerStatus; journalPath?: string; timeoutMs?: number }): Promise<Readiness> {
  const journalPath = opts.journalPath ?? path.join(process.cwd(), "drizzle", "meta", "_journal.json");
  const database: Readiness["checks"]["database"] = { ok: false };
  const migrations: Readiness["checks"]["migrations"] = { ok: false };
  try {
    await withTimeout(db.execute(sql`select 1`), opts.timeoutMs ?? 2000);
    database.ok = true;
  } catch (err) {
    database.error = (err as Error).message.slice(0, 200);
  }
  if (database.ok) {
    try {
      const journal = JSON.parse(await readFile(journalPath, "utf8")) as Journal;
      const rows = (await db.execute(sql`select created_at from drizzle.__drizzle_migrations`)) as unknown as { created_at: string | number }[];
      const applied = new Set(rows.map((r) => Number(r.created_at)));
      const missing = journal.entries.filter((e) => !applied.has(e.when)).map((e) => e.tag);
      Object.assign(migrations, { ok: missing.length === 0, applied: applied.size, expected: journal.entries.length }, missing.length ? { missing } : {});
    } catch (err) {
      migrations.error = (err as Error).message.slice(0, 200);
    }
  } else {
    migrations.error = "database unreachable";
  }
  const worker = { ok: opts.worker === "running" || opts.worker === "disabled", status: opts.worker };
  return { ready: database.ok && migrations.ok && worker.ok, checks: { database, migrations, worker } };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    p.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e) => (clearTimeout(timer), reject(e)),
    );
  });
}
