import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres, type EmbeddedServer } from "@/db/embedded";
import { runMigrations } from "@/db/migrate";
import { freePort } from "./free-port";

declare module "vitest" {
  export interface ProvidedContext {
    /** URL of the migrated template database; tests clone it with createTestDb() */
    templateDbUrl: string;
  }
}

/**
 * One real PostgreSQL per test run: TEST_DATABASE_URL's server when set, else an embedded one in a
 * temp dir. Migrations are applied once to a template database; each test file clones it.
 */
export default async function setup(project: TestProject) {
  let server: EmbeddedServer | undefined;
  let tmp: string | undefined;
  let adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    tmp = mkdtempSync(path.join(os.tmpdir(), "refill-test-pg-"));
    chmodSync(tmp, 0o755); // the embedded server runs as the postgres user when we are root
    server = await startEmbeddedPostgres({ dataDir: path.join(tmp, "pg"), port: await freePort(), persistent: false });
    adminUrl = server.url("postgres");
  }
  const templateName = `refill_tpl_${process.pid}_${Date.now()}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE "${templateName}"`);
  const templateUrl = withDatabase(adminUrl, templateName);
  await runMigrations(templateUrl);
  project.provide("templateDbUrl", templateUrl);

  return async () => {
    await admin.unsafe(`DROP DATABASE IF EXISTS "${templateName}" WITH (FORCE)`);
    await admin.end({ timeout: 5 });
    await server?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  };
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
