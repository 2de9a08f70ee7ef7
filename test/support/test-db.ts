import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { inject } from "vitest";
import { createDb, type DbHandle } from "@/db/client";

export interface TestDb extends DbHandle {
  url: string;
  /** drops the database (call in afterAll) */
  drop: () => Promise<void>;
}

/** A fresh, migrated database for one test file (a clone of the run's template). */
export async function createTestDb(): Promise<TestDb> {
  const templateUrl = inject("templateDbUrl");
  const template = new URL(templateUrl).pathname.slice(1);
  const name = `refill_t_${randomBytes(6).toString("hex")}`;
  const adminUrl = new URL(templateUrl);
  adminUrl.pathname = "/postgres";
  const admin = postgres(adminUrl.toString(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  const url = new URL(templateUrl);
  url.pathname = `/${name}`;
  const handle = createDb(url.toString(), { max: 30 });
  return {
    ...handle,
    url: url.toString(),
    drop: async () => {
      await handle.close();
      await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end({ timeout: 5 });
    },
  };
}
