/**
 * `npm run bench`: production build + real PostgreSQL (embedded unless DATABASE_URL is set); every figure
 * measured in this one run so ratios are meaningful on a noisy machine. Prints one table and writes
 * bench/results/latest.json. Load: autocannon. See README § Performance.
 */
import { writeFileSync } from "node:fs";
import os from "node:os";
import { createDb } from "@/db/client";
import { orgIdBySlug } from "@/lib/seed/seed-demo";
import { BENCH_PASSWORD, growHistory, makeBenchOwner, makeLoadOrg } from "./fixtures";
import { balanceMismatches, checkRechargeExactlyOnce } from "./invariants";
import { load, renderTimes, signInCookie, signedWebhookRequests } from "./measure";
import { burstRounds } from "./burst-rounds";
import { processRounds } from "./processes";
import { throughputRounds } from "./throughput";
import { APP_URL, peakRssMiB, STACK, startStack } from "./stack";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CLIENTS = 16;
const BIG_HISTORY = Number(process.env.BENCH_ENTRIES ?? 1_000_000);
/**
 * `BENCH_ONLY=throughput`: only (1)–(4c), the usage write path; `BENCH_ONLY=burst`: only the burst and fault
 * rounds (8)–(9), on the same stack; `BENCH_ONLY=processes`: only (10).
 */
const ONLY = process.env.BENCH_ONLY;
const log = (s: string) => console.log(`[bench] ${s}`);

const rows: { name: string; value: string; target?: string; pass?: boolean }[] = [];
const json: Record<string, unknown> = {
  machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
  startedAt: new Date().toISOString(),
  seconds: SECONDS,
};
const fmt = (n: number, d = 0) => n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });

if (ONLY !== "processes") {
  const stack = await startStack(process.env);
  const db = createDb(stack.databaseUrl, { max: 4 });
  try {
    if (!ONLY || ONLY === "throughput") {
      const tp = await throughputRounds(db, stack.databaseUrl, SECONDS, CLIENTS, log);
      rows.push(...tp.rows);
      Object.assign(json, tp.figures);
    }
    if (!ONLY) {
      log("fixtures: page-history orgs…");
      const owner = await makeBenchOwner(db.db);
      const small = await makeLoadOrg(db.db, "bench-small", 1, [{ userId: owner.id, role: "owner" }]);
      const large = await makeLoadOrg(db.db, "bench-large", 1, [{ userId: owner.id, role: "owner" }]);
      await growHistory(db.sql, small.id, 1_000, 10);
      log(`growing a history of ${fmt(BIG_HISTORY)} ledger entries and 10,000 recharge attempts…`);
      await growHistory(db.sql, large.id, BIG_HISTORY, 10_000);

      log("(5) Billing page render at 1,000 and at 1,000,000 entries…");
      const cookie = await signInCookie(APP_URL, "bench@refill.test", BENCH_PASSWORD);
      const pageSmall = await renderTimes(`${APP_URL}/bench-small/settings/billing`, cookie, 40);
      const pageLarge = await renderTimes(`${APP_URL}/bench-large/settings/billing`, cookie, 40);

      log("(6) webhook ingestion…");
      const hooks = await load({
        url: `${APP_URL}/api/webhooks/stripe`,
        connections: 8,
        seconds: SECONDS,
        setupRequest: signedWebhookRequests(stack.webhookSecret),
      });

      log("(7) auto-recharge exactly once under load (Acme Voice, its seeded card)…");
      const acmeId = await orgIdBySlug(db.db, "acme");
      const threshold = 20_000;
      const settle = async () => {
        for (let i = 0; i < 60; i++) {
          const [open] = await db.sql`SELECT count(*)::int AS n FROM recharge_attempts WHERE org_id = ${acmeId} AND status IN ('pending','processing')`;
          if (open!.n === 0) return;
          await new Promise((r) => setTimeout(r, 1000));
        }
      };
      const enable = await fetch(`${APP_URL}/api/v1/billing/auto-topup`, {
        method: "POST",
        headers: { authorization: `Bearer ${stack.demo.apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ enabled: true, threshold, recharge_packs: 25, max_recharges_per_month: 31, consent: true }),
      });
      let recharge: Awaited<ReturnType<typeof checkRechargeExactlyOnce>> | { skipped: string } = {
        skipped: `enabling auto-recharge failed: ${enable.status} ${(await enable.text()).slice(0, 160)}`,
      };
      if (enable.ok && acmeId) {
        await settle(); // saving below the threshold recharges at once: not a crossing under load
        const since = new Date();
        // 2,000 calls × 50 credits = 100,000 credits: several crossings of the 20,000 threshold whatever the speed.
        await load({
          url: `${APP_URL}/api/v1/usage`,
          connections: CLIENTS,
          seconds: SECONDS,
          amount: 2000,
          headers: { authorization: `Bearer ${stack.demo.apiKey}` },
          body: JSON.stringify({ quantity: 50 }),
        });
        await settle();
        recharge = await checkRechargeExactlyOnce(db.sql, acmeId, threshold, since);
      }
      const mismatches = await balanceMismatches(db.sql);
      const memory = peakRssMiB(stack.serverPid());

      rows.push(
        { name: "(5) Billing page render, 1,000 entries", value: `p50 ${fmt(pageSmall.p50, 1)} ms · p99 ${fmt(pageSmall.p99, 1)} ms` },
        {
          name: `    … ${fmt(BIG_HISTORY)} entries + 10,000 attempts`,
          value: `p50 ${fmt(pageLarge.p50, 1)} ms · p99 ${fmt(pageLarge.p99, 1)} ms`,
          target: "p50 < 150 ms",
          pass: pageLarge.p50 < 150,
        },
        { name: "    ratio large/small (p50)", value: fmt(pageLarge.p50 / pageSmall.p50, 2), target: "≤ 1.3", pass: pageLarge.p50 / pageSmall.p50 <= 1.3 },
        { name: "(6) signed webhook ingestion", value: `${fmt(hooks.perSecond)} events/s · p99 ${fmt(hooks.p99, 1)} ms` },
        { name: "(7) balance == sum(entries), all orgs", value: mismatches === 0 ? "ok (0 mismatches)" : `${mismatches} MISMATCHES`, pass: mismatches === 0 },
        {
          name: "    auto-recharge: one at a time, each charged and credited once",
          value:
            "skipped" in recharge
              ? recharge.skipped
              : `${recharge.crossings} crossings · ${recharge.attempts} attempts (${recharge.overlapping} overlapping) · ${recharge.paymentIntents} PaymentIntents · ${recharge.credited} credited`,
          pass: "skipped" in recharge ? false : recharge.ok,
        },
        { name: "Peak server memory (RSS high-water mark)", value: memory === null ? "unknown" : `${fmt(memory)} MiB` },
      );
      Object.assign(json, {
        pageSmall,
        pageLarge,
        hooks,
        recharge,
        mismatches,
        peakServerRssMiB: memory,
        hookErrors: hooks.errors + hooks.non2xx,
      });
    }

    if (!ONLY || ONLY === "burst") {
      log("(8) burst survival: 10,000 calls, 16 connections, auto-recharge on, card on file…");
      const burst = await burstRounds(db, APP_URL, `http://127.0.0.1:${STACK.emulatorPort}`, log);
      rows.push(...burst.rows);
      Object.assign(json, { burst: burst.figures });
    }
  } finally {
    await db.close();
    await stack.stop();
  }
}

if (!ONLY || ONLY === "processes") {
  const figures = await processRounds(process.env, SECONDS, CLIENTS, log);
  for (const f of figures) {
    const name = `(10) ${f.processes} process${f.processes > 1 ? "es" : ""}:`;
    rows.push(
      { name: `${name} usage, hot org`, value: `${fmt(f.hot.perSecond)} debits/s · p99 ${fmt(f.hot.p99, 1)} ms` },
      { name: `${name} usage, 1,000 orgs`, value: `${fmt(f.spread.perSecond)} debits/s · p99 ${fmt(f.spread.p99, 1)} ms` },
      { name: `${name} balance == sum(entries)`, value: f.mismatches === 0 ? "ok" : `${f.mismatches} MISMATCHES`, pass: f.mismatches === 0 },
    );
  }
  Object.assign(json, { processes: figures });
}

const w = Math.max(...rows.map((r) => r.name.length));
console.log(`\nRefill benchmark — ${json.machine && (json.machine as { cpus: number }).cpus} cores, ${os.cpus()[0]?.model}, ${SECONDS}s per load test\n`);
for (const r of rows)
  console.log(`${r.name.padEnd(w)}  ${r.value}${r.target ? `   [target ${r.target}: ${r.pass ? "met" : "NOT met"}]` : r.pass === false ? "   [FAILED]" : ""}`);
const out = ONLY ? `bench/results/latest-${ONLY}.json` : "bench/results/latest.json";
writeFileSync(out, JSON.stringify(json, null, 2) + "\n");
console.log(`\nWrote ${out}`);
process.exit(0);
