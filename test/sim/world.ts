import postgres from "postgres";
import { getDbHandle, type Db, type DbHandle } from "@/db/client";
import { createApiKey } from "@/lib/api-keys/manage-api-keys";
import { resetEnvCache } from "@/lib/env";
import { eq } from "drizzle-orm";
import { organizations } from "@/db/schema";
import { setClockOffsetMs } from "@/lib/clock";
import { SIM_TIME_ZONES } from "./calendar";
import { startBillingHarness, type BillingHarness } from "../support/billing-harness";
import { makeBillingOrg } from "../support/billing-factories";
import { appNow } from "@/lib/clock";
import { startIngestServer } from "../support/ingest-server";
import { startAppProcess, type AppProcess } from "./app-process";
import type { Rng } from "./rng";

/** One simulated org: its API key (usage:write) and the bounds the simulation ever allowed it. */
interface SimOrg {
  id: string;
  key: string;
  /** the highest monthly cap ever saved (the cap invariant's bound) */
  maxCapEver: number;
  /** the spending limit (cents), fixed for the run; null = none */
  limitCents: number | null;
  /** card changes in flight, and when the last one ended (ms): the grace check trusts facts older than that */
  cardBusy: number;
  cardChangedAt: number;
  /** the last card attached was a good one (not `pm_card_chargeCustomerFail`) */
  goodCard: boolean;
  /** the Stripe test clock of the org's customer: `monthEnd` advances it with the app clock (renewals) */
  clockId: string | null;
}

/**
 * The running stack: the emulator (+ the real webhook handler), the usage ingestion server on Node's http
 * server and one "app instance" — the process's shared pool (`getDb()`, used by the usage endpoints and the
 * webhook handler) and the pending in-process hand-offs. `crash()` ends the pool abruptly and drops the
 * hand-offs; the next request opens a fresh pool, like a restarted process.
 */
export interface World {
  harness: BillingHarness;
  ingestUrl: string;
  /** a separate pool for the simulator's own reads (invariants), never cut */
  check: postgres.Sql;
  /** the current app instance's database */
  db: () => Db;
  orgs: SimOrg[];
  /** how far reconciliation's clock runs ahead of the wall clock (a day per forgotten-keys op) */
  skewMs: number;
  /** when a `monthEnd` last moved the app clock (lib/clock.ts; app-clock ms), 0 = never: it only moves forward */
  clockMovedAt: number;
  crash: () => Promise<void>;
  /** the second app process on the same database (`processes: 2`), else null: usage ops are routed by `routeOp` */
  child: AppProcess | null;
  /** what the app sees of a Postgres restart: every backend of the database terminated (FATAL 57P01) */
  restartPostgres: () => Promise<void>;
  stop: () => Promise<void>;
}

const g = globalThis as unknown as { refillDb?: DbHandle };

/**
 * Forwards every property to the current instance's pool: the webhook receiver (started once) serves each
 * new delivery on whatever instance is up, like Stripe reaching a restarted process.
 */
function currentDb(): Db {
  return new Proxy({} as Db, {
    get(_t, k) {
      const d = getDbHandle().db as unknown as Record<string | symbol, unknown>;
      const v = d[k];
      return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(d) : v;
    },
  });
}

export async function startWorld(dbUrl: string, rng: Rng, orgCount: number, processes = 1): Promise<World> {
  process.env.DATABASE_URL = dbUrl;
  resetEnvCache();
  const proxy = currentDb();
  const harness = await startBillingHarness(proxy, {
    queue: "manual",
    // a hung Stripe call ends in 1.5 s (then one SDK retry with the same key): unknown outcomes without long waits
    extraEnv: { STRIPE_TIMEOUT_MS: "1500", STRIPE_MAX_NETWORK_RETRIES: "1", PAYMENT_RATE_LIMIT_PER_HOUR: "0" },
  });
  const ingest = await startIngestServer();
  // the child starts (its env now holds the emulator's URLs) while the orgs are made
  const starting = processes > 1 ? startAppProcess() : null;
  starting?.catch(() => {});
  const orgs: SimOrg[] = [];
  for (let i = 0; i < orgCount; i++) {
    const cap = rng.int(3, 8);
    const limitCents = rng.chance(0.5) ? rng.int(3, 8) * 2000 : null;
    const { org, testClockId } = await makeBillingOrg(getDbHandle().db, {
      planId: "starter",
      testClockAt: appNow(),
      autoRecharge: { threshold: rng.int(100, 800), packs: rng.int(1, 2), max: cap, limitCents },
    });
    await getDbHandle()
      .db.update(organizations)
      .set({ timeZone: SIM_TIME_ZONES[i % SIM_TIME_ZONES.length]! })
      .where(eq(organizations.id, org.id));
    const key = await createApiKey(getDbHandle().db, org.id, null, { name: "sim", scopes: ["usage:write"] });
    orgs.push({ id: org.id, key: key.secret, maxCapEver: cap, limitCents, cardBusy: 0, cardChangedAt: Date.now(), goodCard: true, clockId: testClockId });
  }
  const check = postgres(dbUrl, { max: 2, onnotice: () => {} });
  const child = await starting;
  return {
    harness,
    ingestUrl: ingest.url,
    check,
    db: () => getDbHandle().db,
    orgs,
    skewMs: 0,
    child,
    clockMovedAt: 0,
    crash: async () => {
      const h = g.refillDb;
      g.refillDb = undefined;
      harness.handOffs.length = 0;
      await h?.sql.end({ timeout: 0 }).catch(() => {});
    },
    restartPostgres: async () => {
      await check`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`;
    },
    stop: async () => {
      await child?.stop();
      setClockOffsetMs(0);
      await ingest.close();
      await harness.stop();
      await g.refillDb?.close();
      g.refillDb = undefined;
      await check.end({ timeout: 5 });
    },
  };
}

/** A fresh migrated database on the server of `adminUrl` (dropped by the returned function). */
export async function createSimDatabase(adminUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const { runMigrations } = await import("@/db/migrate");
  const name = `refill_sim_${process.pid}_${Date.now()}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE "${name}"`);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  await runMigrations(u.toString());
  return {
    url: u.toString(),
    drop: async () => {
      await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end({ timeout: 5 });
    },
  };
}
