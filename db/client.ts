import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema";
import { databaseUrl } from "@/lib/env";

/** The Drizzle database; `$client` is its postgres.js pool (the ledger's hot path uses it for prepared statements). */
export type Db = PostgresJsDatabase<typeof schema> & { $client: postgres.Sql };
/** A Drizzle transaction handle; ledger and query functions accept either. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type DbOrTx = Db | Tx;

/**
 * Drizzle over a postgres.js transaction, so its queries run inside that transaction (for code that mixes the
 * ledger's tagged statements with Drizzle queries in one transaction). Drizzle's constructor installs its
 * pass-through date parsers on `client.options`, which a transaction handle lacks; the pool it came from already
 * has them, so a throw-away `options` is enough.
 */
export function drizzleOn(sqlTx: postgres.TransactionSql): Tx {
  const client = sqlTx as unknown as postgres.Sql & { options?: unknown };
  if (!client.options) Object.defineProperty(client, "options", { value: { parsers: {}, serializers: {} } });
  return drizzle(client, { schema }) as unknown as Tx;
}

export interface DbHandle {
  db: Db;
  sql: postgres.Sql;
  close: () => Promise<void>;
}

/** Opens a pool on `url`. Callers own it; tests pass their own database's URL. */
export function createDb(url: string, options: { max?: number } = {}): DbHandle {
  const client = postgres(url, { max: options.max ?? 10, onnotice: () => {}, prepare: true });
  const db = drizzle(client, { schema });
  return { db, sql: client, close: () => client.end({ timeout: 5 }) };
}

const globalForDb = globalThis as unknown as { refillDb?: DbHandle };

/** The app's shared pool, on `DATABASE_URL` (kept across hot reloads in development). */
export function getDbHandle(): DbHandle {
  if (!globalForDb.refillDb) globalForDb.refillDb = createDb(databaseUrl(), { max: 20 });
  return globalForDb.refillDb;
}

export function getDb(): Db {
  return getDbHandle().db;
}

/** Closes the app's shared pool if it was opened (graceful shutdown); the next `getDb()` opens a new one. */
export async function closeDbHandle(): Promise<void> {
  const h = globalForDb.refillDb;
  globalForDb.refillDb = undefined;
  await h?.close();
}
