import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { v7 as uuidv7 } from "uuid";
import type { DbHandle } from "@/db/client";
import { makeLoadOrg } from "./fixtures";
import { clientLoops, load, rawSqlDebits, type Throughput } from "./measure";
import { APP_URL } from "./stack";

export interface Row {
  name: string;
  value: string;
  target?: string;
  pass?: boolean;
}

const fmt = (n: number, d = 0) => n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });
const figure = (t: Throughput, unit = "debits/s") => `${fmt(t.perSecond)} ${unit} · p50 ${fmt(t.p50, 1)} ms · p99 ${fmt(t.p99, 1)} ms`;

/**
 * The physical ceiling of the batch endpoint's writes: `clients` connections each loop over one transaction
 * that `COPY`s 1,000 usage ledger entries (the rows a 1,000-event batch writes, same table, same indexes), then
 * adds them to the hourly rollup and updates the org's balance row once (its lock taken last, held shortest).
 * The 1,000 rows are built once (their shape, not the app's exact values: `reference` is not unique), so
 * the figure is PostgreSQL's and not the load client's (a UUIDv7 per row cost 5 µs of this process's CPU).
 * Rows/s.
 */
export async function copyCeiling(databaseUrl: string, orgId: string, clients: number, seconds: number): Promise<Throughput> {
  let rows = "";
  for (let i = 0; i < 1000; i++) rows += `${orgId}\ttopup\t-1\tusage\t${uuidv7()}\t${50_000_000 - i}\n`;
  return clientLoops(databaseUrl, clients, seconds, 1000, async (sql) => {
    await sql.begin(async (tx) => {
      const copy = await tx`COPY ledger_entries (org_id, pool, delta, kind, reference, balance_after) FROM STDIN`.writable();
      await pipeline(Readable.from([rows]), copy);
      await tx`INSERT INTO usage_hourly (org_id, hour, credits, events) VALUES (${orgId}, date_trunc('hour', now()), 1000, 1000)
               ON CONFLICT (org_id, hour) DO UPDATE SET credits = usage_hourly.credits + 1000, events = usage_hourly.events + 1000`;
      await tx`UPDATE credit_balances SET topup_credits = topup_credits - 1000, updated_at = now() WHERE org_id = ${orgId}`;
    });
  });
}

/**
 * Two equal-length load tests as one: the mean rate, p50 the mean of the two, p99 the worse of the two (each
 * half's own p99: the reported figure never looks better than a half did).
 */
function combine<T extends Throughput & { non2xx: number }>(a: T, b: T): Throughput & { non2xx: number } {
  return {
    perSecond: (a.perSecond + b.perSecond) / 2,
    p50: (a.p50 + b.p50) / 2,
    p99: Math.max(a.p99, b.p99),
    errors: a.errors + b.errors,
    non2xx: a.non2xx + b.non2xx,
  };
}

/**
 * (1)–(4): the usage write path. (1) the raw-SQL debit transaction; (2) `POST /api/v1/usage` for one hot org;
 * (3) the same spread over 1,000 orgs (cross-org group commit), against (2) in the same run, in alternating halves; (4) the batch
 * endpoint (1,000 events per request) against (4c), a `COPY` of the same rows into the same tables.
 */
export async function throughputRounds(db: DbHandle, databaseUrl: string, seconds: number, clients: number, log: (s: string) => void) {
  log("fixtures: hot org, 1,000 orgs…");
  const hot = await makeLoadOrg(db.db, "bench-hot", 50_000_000);
  const rawOrg = await makeLoadOrg(db.db, "bench-raw", 50_000_000);
  const copyOrg = await makeLoadOrg(db.db, "bench-copy", 50_000_000);
  const many: string[] = [];
  for (let i = 0; i < 1000; i++) many.push((await makeLoadOrg(db.db, `bench-org-${i}`, 1_000_000)).key);

  log("(1) raw SQL baseline…");
  const raw = await rawSqlDebits(databaseUrl, rawOrg.id, clients, seconds);
  const usage = (s: number, keys: string[], amount?: number) => {
    let k = 0;
    return load({
      url: `${APP_URL}/api/v1/usage`,
      connections: clients,
      seconds: s,
      amount,
      setupRequest: (req) => ({
        ...req,
        headers: { ...req.headers, "content-type": "application/json", authorization: `Bearer ${keys[k++ % keys.length]}` },
        body: JSON.stringify({ quantity: 1 }),
      }),
    });
  };
  // A warm-up, not recorded: 3 seconds, then every org twice more (JIT, prepared statements, each org's first
  // locked flush and API key read). A timed warm-up alone left orgs unseen on a slow run, and their first
  // flushes then fell in (3)'s first half.
  await usage(3, [hot.key, ...many]);
  await usage(0, [hot.key, ...many], 2 * (many.length + 1));
  // (2) and (3) in alternating halves (2, 3, 3, 2): a VM that slows down or speeds up during the run (this one
  // drifts by tens of percent within minutes) weighs on both alike, so their ratio measures the code.
  log("(2) POST /api/v1/usage, hot org, and (3) over 1,000 orgs, alternating halves…");
  const half = seconds / 2;
  const api1 = await usage(half, [hot.key]);
  const spread1 = await usage(half, many);
  const spread2 = await usage(half, many);
  const api2 = await usage(half, [hot.key]);
  const api = combine(api1, api2);
  const spread = combine(spread1, spread2);
  log("(4) POST /api/v1/usage/batch, hot org…");
  const batchLoad = (s: number) =>
    load({
      url: `${APP_URL}/api/v1/usage/batch`,
      connections: 4,
      seconds: s,
      headers: { authorization: `Bearer ${hot.key}` },
      body: JSON.stringify({ events: Array.from({ length: 1000 }, () => ({ quantity: 1 })) }),
      perRequest: 1000,
    });
  await batchLoad(2); // a warm-up, not recorded, as for (2) and (3): the batch path's JIT and statements
  const batch = await batchLoad(seconds);
  log("(4c) COPY ceiling…");
  const copy = await copyCeiling(databaseUrl, copyOrg.id, 4, seconds);

  const ratio = spread.perSecond / api.perSecond;
  const rows: Row[] = [
    { name: "(1) raw SQL debit tx, hot org, 16 clients", value: figure(raw) },
    { name: "(2) POST /api/v1/usage, hot org, 16 conns", value: figure(api), target: "≥ 4,000/s, p99 < 50 ms", pass: api.perSecond >= 4000 && api.p99 < 50 },
    { name: "    ratio (2)/(1)", value: fmt(api.perSecond / raw.perSecond, 2), target: "≥ 1.5", pass: api.perSecond / raw.perSecond >= 1.5 },
    { name: "(3) POST /api/v1/usage, 1,000 orgs, 16 conns", value: figure(spread), target: "p99 < 50 ms", pass: spread.p99 < 50 },
    { name: "    ratio (3)/(2)", value: fmt(ratio, 2), target: "≥ 0.8", pass: ratio >= 0.8 },
    {
      name: "(4) POST /api/v1/usage/batch (1,000/req), hot org",
      value: `${fmt(batch.perSecond)} debits/s`,
      target: "≥ 100,000/s",
      pass: batch.perSecond >= 100_000,
    },
    { name: "(4c) COPY of the same rows, 4 clients (ceiling)", value: `${fmt(copy.perSecond)} rows/s` },
    { name: "    ratio (4)/(4c)", value: fmt(batch.perSecond / copy.perSecond, 2) },
  ];
  const errors = { api: api.errors + api.non2xx, spread: spread.errors + spread.non2xx, batch: batch.errors + batch.non2xx, copy: copy.errors };
  return { rows, figures: { raw, api, spread, batch, copy, errors } };
}
