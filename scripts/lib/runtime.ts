import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { ChildProcess } from "node:child_process";
import { createDb } from "@/db/client";
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedServer } from "@/db/embedded";
import { runMigrations } from "@/db/migrate";
import { env, resetEnvCache } from "@/lib/env";
import { isDatabaseEmpty, seedDemo, type DemoCredentials } from "@/lib/seed/seed-demo";
import { seedStripe } from "@/lib/seed/seed-stripe";
import { stopChildren } from "./processes";
import { spawnUntilReady } from "./processes";

/**
 * Everything `npm start`, `npm run dev` and the e2e suite need before the web server starts:
 * a database (DATABASE_URL, else embedded PostgreSQL under REFILL_DATA_DIR), migrations, the Stripe
 * emulator when no STRIPE_SECRET_KEY is configured, an AUTH_SECRET, and the demo seed on an empty DB.
 * Writes the resulting variables into process.env for the child processes (and resets lib/env's cache).
 */
export interface Runtime {
  dataDir: string;
  children: ChildProcess[];
  seeded: DemoCredentials | null;
  /** true when this start seeded an empty database */
  seededNow: boolean;
  stop: () => Promise<void>;
}

function persistedSecret(file: string, make: () => string): string {
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const value = make();
  writeFileSync(file, value + "\n", { mode: 0o600 });
  return value;
}

export async function prepareRuntime(opts: { fresh?: boolean; log?: (s: string) => void } = {}): Promise<Runtime> {
  const log = opts.log ?? ((s: string) => console.log(s));
  const cfg = env();
  const dataDir = path.resolve(cfg.REFILL_DATA_DIR);
  if (opts.fresh) rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const children: ChildProcess[] = [];
  let pg: EmbeddedServer | undefined;

  if (!cfg.DATABASE_URL) {
    log(`Starting embedded PostgreSQL (${path.join(dataDir, "pg")}, port ${cfg.EMBEDDED_PG_PORT})…`);
    pg = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "pg"), port: cfg.EMBEDDED_PG_PORT, persistent: true });
    await ensureDatabase(pg.url("postgres"), "refill");
    process.env.DATABASE_URL = pg.url("refill");
    // the local stack (its production build too): webhooks may go to a receiver on this machine
    process.env.WEBHOOKS_ALLOW_PRIVATE_URLS ??= "1";
  }
  process.env.AUTH_SECRET ??= persistedSecret(path.join(dataDir, "auth-secret"), () => randomBytes(32).toString("base64url"));
  process.env.NEXT_TELEMETRY_DISABLED = "1";
  resetEnvCache();

  if (!env().STRIPE_SECRET_KEY) {
    const port = env().STRIPE_EMULATOR_PORT;
    const secret = persistedSecret(path.join(dataDir, "stripe-webhook-secret"), () => `whsec_${randomBytes(24).toString("hex")}`);
    const webhookUrl = `http://127.0.0.1:${env().PORT}/api/webhooks/stripe`;
    log(`Starting stripe-emulator on port ${port} (webhooks → ${webhookUrl})…`);
    const emulator = await spawnUntilReady(
      "stripe-emulator",
      process.execPath,
      [
        path.resolve("node_modules/tsx/dist/cli.mjs"),
        "stripe-emulator/src/main.ts",
        `--port=${port}`,
        `--public-url=http://localhost:${port}`,
        `--webhook-url=${webhookUrl}`,
        `--state-file=${path.join(dataDir, "stripe-emulator.json")}`,
      ],
      // the secret goes by environment, not argv (visible to every user in `ps`)
      { env: { ...process.env, STRIPE_EMULATOR_WEBHOOK_SECRET: secret }, ready: /listening on/, timeoutMs: 30_000 },
    );
    children.push(emulator);
    process.env.STRIPE_SECRET_KEY = "sk_test_refill_emulator";
    process.env.STRIPE_API_BASE = `http://127.0.0.1:${port}`;
    process.env.STRIPE_WEBHOOK_SECRET = secret;
    resetEnvCache();
  }

  const url = env().DATABASE_URL!;
  await runMigrations(url);
  let seeded: DemoCredentials | null = null;
  let seededNow = false;
  const handle = createDb(url, { max: 2 });
  try {
    if (await isDatabaseEmpty(handle.db)) {
      log("Empty database: seeding the demo organizations…");
      seeded = await seedDemo(handle.db);
      await seedStripe(handle.db, log).catch((err: unknown) => log(`Stripe seed failed (continuing): ${(err as Error).message}`));
      seededNow = true;
      writeFileSync(path.join(dataDir, "demo-credentials.json"), JSON.stringify({ ...seeded, appUrl: env().APP_URL }, null, 2) + "\n");
    } else if (existsSync(path.join(dataDir, "demo-credentials.json"))) {
      seeded = JSON.parse(readFileSync(path.join(dataDir, "demo-credentials.json"), "utf8")) as DemoCredentials;
    }
  } finally {
    await handle.close();
  }

  return {
    dataDir,
    children,
    seeded,
    seededNow,
    stop: async () => {
      await stopChildren(children);
      await pg?.stop();
    },
  };
}

export function printCredentials(c: DemoCredentials | null, appUrl: string): void {
  if (!c) return;
  console.log(`\n  Refill is running at ${appUrl}\n`);
  for (const l of c.logins) console.log(`  ${l.role.padEnd(6)} ${l.email.padEnd(20)} password: ${l.password}   (/${l.org})`);
  console.log(`\n  Demo API key (Acme Voice, all scopes): ${c.apiKey}`);
  console.log(`  Try: npm run simulate -- --calls 10000 --concurrency 8\n`);
}
