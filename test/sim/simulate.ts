import { getStripe } from "@/lib/stripe/client";
import { childDeaths, childPending, routeOp } from "./app-process";
import { newClientLog, usageOnce, type ClientLog } from "./client";
import { checkInvariants, checkRefusals, type Violation } from "./invariants";
import { emulatorAdmin, OP_WEIGHTS, reconcileLater, runOp, runPendingJobs, type Background, type OpKind } from "./ops";
import { createRng } from "./rng";
import { startWorld, type World } from "./world";

export interface SimOptions {
  seed: number;
  ops: number;
  /** a fresh, migrated database for this run (the caller creates and drops it) */
  dbUrl: string;
  orgs?: number;
  /** app processes serving usage: 1 (this one) or 2 (plus a child process, killed and restarted by crashes); default 2 */
  processes?: number;
  /** continuous check every this many ops (default: max(50, ops / 100)) */
  checkEvery?: number;
  log?: (line: string) => void;
}

export interface SimResult {
  ok: boolean;
  seed: number;
  ops: number;
  /** the op after which the failing check ran (ops when it failed at the final check) */
  failedAtOp?: number;
  violations: Violation[];
  counts: Partial<Record<OpKind, number>>;
  /** what the run exercised: attempts by trigger and status, usage answers */
  stats: Record<string, number>;
  /** background tasks that threw (expected under faults: a cut pool, a Stripe error) */
  backgroundErrors: number;
  ms: number;
}

/**
 * One seeded run: starts the stack on `dbUrl`, performs `ops` seeded operations with continuous invariant
 * checks, quiesces (faults off, background work done, webhooks drained, reconciliation until no attempt is
 * open, the client's unknown usage retried with its key) and checks everything once more.
 */
export async function runSimulation(o: SimOptions): Promise<SimResult> {
  const started = Date.now();
  const rng = createRng(o.seed);
  const world = await startWorld(o.dbUrl, rng, o.orgs ?? 4, o.processes ?? 2);
  const log = newClientLog();
  const bg: Background = { tasks: new Set(), errors: 0, jobCursor: world.harness.jobs.length, lostCharges: 0 };
  const counts: SimResult["counts"] = {};
  const stats: Record<string, number> = {};
  const checkEvery = o.checkEvery ?? Math.max(50, Math.floor(o.ops / 100));
  const result = (violations: Violation[], failedAtOp?: number): SimResult => ({
    ok: violations.length === 0,
    seed: o.seed,
    ops: o.ops,
    failedAtOp,
    violations,
    counts,
    stats,
    backgroundErrors: bg.errors,
    ms: Date.now() - started,
  });
  try {
    for (let i = 1; i <= o.ops; i++) {
      const kind = rng.weighted(OP_WEIGHTS);
      counts[kind] = (counts[kind] ?? 0) + 1;
      await runOp(kind, rng, routeOp(kind, rng, world), log, bg);
      const refused = await checkRefusals(world, log);
      if (refused.length) return result(refused, i);
      if (i % checkEvery === 0) {
        const v = [...(await checkInvariants(world, log, false, i % (checkEvery * 10) === 0)), ...childDeaths(world)];
        if (v.length) return result(v, i);
        o.log?.(`seed ${o.seed}: ${i}/${o.ops} ops, ${bg.tasks.size} in flight, invariants hold`);
      }
    }
    await quiesce(world, log, bg);
    const v = [...(await checkInvariants(world, log, true)), ...childDeaths(world)];
    Object.assign(stats, await runStats(world, log));
    return result(v, v.length ? o.ops : undefined);
  } finally {
    await emulatorAdmin(world, "DELETE", "faults").catch(() => {});
    await Promise.allSettled([...bg.tasks]);
    await world.stop();
  }
}

async function runStats(world: World, log: ClientLog): Promise<Record<string, number>> {
  const rows = await world.check<{ k: string; n: number }[]>`
    SELECT trigger || ':' || status || COALESCE(':' || failure_code, '') AS k, count(*)::int AS n FROM recharge_attempts GROUP BY 1
    UNION ALL SELECT 'outcome_unknown_seen', count(*)::int FROM recharge_attempts WHERE last_error IS NOT NULL
    UNION ALL SELECT 'usage_events', count(*)::int FROM usage_events
    UNION ALL SELECT 'plan_now:' || plan, count(*)::int FROM organizations GROUP BY plan
    UNION ALL SELECT 'plan_grants', count(*)::int FROM ledger_entries WHERE kind = 'plan_grant'
    UNION ALL SELECT 'auto_months', count(DISTINCT to_char(created_at, 'YYYY-MM'))::int FROM recharge_attempts WHERE trigger = 'auto'
    UNION ALL SELECT 'cap_paused_then_recharged', count(*)::int FROM billing_incidents i JOIN organizations o ON o.id = i.org_id
      WHERE i.kind = 'monthly_cap_reached' AND EXISTS (SELECT 1 FROM recharge_attempts a WHERE a.org_id = i.org_id AND a.trigger = 'auto'
        AND a.status = 'succeeded' AND to_char(a.created_at AT TIME ZONE o.time_zone, 'YYYY-MM') > split_part(i.dedupe_key, ':', 2))`;
  const stats = Object.fromEntries(rows.map((r) => [r.k, r.n]));
  // renewals (a `monthEnd` advancing the test clocks past a period's end): the cycle invoices paid at Stripe, and granted
  const customers = await world.check<{ customer_id: string }[]>`SELECT customer_id FROM stripe_customers`;
  const cycles = await Promise.all(
    customers.map(async (c) =>
      (await getStripe().invoices.list({ customer: c.customer_id, limit: 100 })).data.filter(
        (i) => i.billing_reason === "subscription_cycle" && i.status === "paid",
      ),
    ),
  );
  const cycleIds = cycles.flat().map((i) => `invoice:${i.id}:grant`);
  const [granted] = await world.check<{ n: number }[]>`SELECT count(*)::int AS n FROM ledger_entries WHERE idempotency_key = ANY(${cycleIds})`;
  Object.assign(stats, { "renewals:paid": cycleIds.length, "renewals:granted": granted!.n });
  const c = world.child?.stats;
  if (c) Object.assign(stats, { "child:ops": c.ops, "child:kills": c.kills, "child:handOffs": c.handOffs, "child:durableJobs": c.jobs });
  return { ...stats, "client:200": log.ok.size, "client:unknown": log.unknown.size, "client:sent": log.sent.size };
}

const OPEN_ATTEMPTS = "SELECT count(*)::int AS n FROM recharge_attempts WHERE status IN ('pending', 'processing')";

/** Faults off, then converge: background work, webhooks, queued jobs and reconciliation until nothing is open. */
async function quiesce(world: World, log: ClientLog, bg: Background): Promise<void> {
  await emulatorAdmin(world, "DELETE", "faults");
  for (const key of [...log.unknown]) {
    const s = log.sent.get(key)!;
    if (s.kind === "usage") await usageOnce(world, log, s.org, s.quantity, key);
  }
  for (let round = 0; round < 30; round++) {
    while (bg.tasks.size) await Promise.allSettled([...bg.tasks]);
    await world.harness.emu.webhooksIdle(60_000);
    const queued = runPendingJobs(world, bg);
    while (bg.tasks.size) await Promise.allSettled([...bg.tasks]);
    await reconcileLater(world);
    await world.harness.emu.webhooksIdle(60_000);
    const [open] = await world.check.unsafe(OPEN_ATTEMPTS);
    if (queued === 0 && open!.n === 0 && world.harness.handOffs.length === 0 && (await childPending(world)) === 0) return;
  }
}

/**
 * The shortest op-count prefix of `seed` that still fails (bisection on --ops, each a fresh run). The
 * schedule of operations is a function of the seed; timings are not, so a prefix that fails once may pass on
 * a re-run: the bisection keeps the shortest prefix it saw fail.
 */
export async function shortestFailingPrefix(seed: number, failedAt: number, run: (ops: number) => Promise<SimResult>): Promise<SimResult | null> {
  let lo = 0;
  let hi = failedAt;
  let best: SimResult | null = null;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    const r = await run(mid);
    if (!r.ok) {
      best = r;
      hi = Math.min(mid, r.failedAtOp ?? mid);
    } else lo = mid;
  }
  return best;
}
