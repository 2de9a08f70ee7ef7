/**
 * `npm run simulate:faults -- --seed N --ops 100000 [--orgs 4] [--processes 1|2]`: the seeded fault simulation (test/sim/README in
 * the project README's Tests section). Uses TEST_DATABASE_URL or DATABASE_URL's server (a fresh database per
 * run, dropped after), else an embedded PostgreSQL in a temp dir. Exit 1 with the seed, the broken invariant
 * and the shortest failing prefix.
 */
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { startEmbeddedPostgres } from "@/db/embedded";
import { freePort } from "../support/free-port";
import { runSimulation, shortestFailingPrefix, type SimResult } from "./simulate";
import { createSimDatabase } from "./world";

const { values } = parseArgs({
  options: {
    seed: { type: "string" },
    ops: { type: "string", default: "2000" },
    orgs: { type: "string", default: "4" },
    processes: { type: "string", default: "2" },
    "no-bisect": { type: "boolean" },
  },
});
const seed = values.seed ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
const ops = Number(values.ops);
process.env.LOG_LEVEL ??= "silent";
// a promise the app dropped without a catch would end a production process: report it, keep simulating
let unhandled = 0;
process.on("unhandledRejection", (err) => {
  if (unhandled++ === 0) console.error("unhandled rejection (first one):", err);
});

let adminUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
let stopPg = async () => {};
if (!adminUrl) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), "refill-sim-pg-"));
  chmodSync(tmp, 0o755);
  const pg = await startEmbeddedPostgres({ dataDir: path.join(tmp, "pg"), port: await freePort(), persistent: false });
  adminUrl = pg.url("postgres");
  stopPg = async () => {
    await pg.stop();
    rmSync(tmp, { recursive: true, force: true });
  };
}

async function run(n: number, log = false): Promise<SimResult> {
  const db = await createSimDatabase(adminUrl!);
  try {
    return await runSimulation({
      seed,
      ops: n,
      dbUrl: db.url,
      orgs: Number(values.orgs),
      processes: Number(values.processes),
      log: log ? (l) => console.log(l) : undefined,
    });
  } finally {
    await db.drop();
  }
}

console.log(`simulate:faults --seed ${seed} --ops ${ops} --processes ${values.processes}`);
const r = await run(ops, true);
console.log(`exercised: ${JSON.stringify(r.stats)}`);
console.log(`ops: ${JSON.stringify(r.counts)} · background errors (expected under faults): ${r.backgroundErrors} · ${(r.ms / 1000).toFixed(1)} s`);
const code = r.ok ? 0 : 1;
if (r.ok) console.log(`seed ${seed}: every invariant held over ${ops} ops and after the quiesce`);
else {
  console.error(`✖ seed ${seed}: invariant broken after op ${r.failedAtOp}:`);
  for (const v of r.violations.slice(0, 10)) console.error(`  ${v.invariant}: ${JSON.stringify(v.details)}`);
}
if (!r.ok && !values["no-bisect"]) {
  console.error("bisecting for the shortest failing prefix…");
  const short = await shortestFailingPrefix(seed, r.failedAtOp ?? ops, (n) => run(n));
  const at = short?.failedAtOp ?? r.failedAtOp ?? ops;
  console.error(`shortest failing prefix: npm run simulate:faults -- --seed ${seed} --ops ${at}`);
  if (short) for (const v of short.violations.slice(0, 5)) console.error(`  ${v.invariant}: ${JSON.stringify(v.details)}`);
}
if (unhandled) console.error(`${unhandled} unhandled rejection(s) during the run`);
await stopPg();
process.exit(code);
