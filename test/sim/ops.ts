import { runJob } from "@/lib/jobs/handlers";
import { attachTestCard } from "@/lib/billing-events/provision";
import { getPlan, quotePacks } from "@/lib/billing/plans";
import { createRechargeAttempt } from "@/lib/recharge/attempts";
import { chargeRechargeAttempt } from "@/lib/recharge/charge-attempt";
import { reconcileRechargeAttempts } from "@/lib/recharge/reconcile";
import { saveAutoRechargeSettings } from "@/lib/recharge/save-settings";
import { topUpNow } from "@/lib/recharge/top-up-now";
import { runChildWork } from "./app-process";
import { appNow } from "@/lib/clock";
import { monthEnd, planChange } from "./calendar";
import { holdCycle, newKey, usageBatch, usageOnce, type ClientLog } from "./client";
import type { Rng } from "./rng";
import type { World } from "./world";

/** The operations and their weights (relative frequency). */
export const OP_WEIGHTS = {
  usage: 30,
  retry: 6,
  batch: 8,
  hold: 6,
  burst: 4,
  jobs: 14,
  reconcile: 4,
  settings: 3,
  topUp: 2,
  card: 2,
  stripeFault: 4,
  chargeLost: 3,
  webhookFault: 3,
  clearFaults: 5,
  forgetKeys: 1,
  crash: 1,
  monthEnd: 1,
  planChange: 2,
} as const;
export type OpKind = keyof typeof OP_WEIGHTS;

/** Background work in flight (charges, jobs, reconciliation, Top Up Now, card changes): never awaited by an op. */
export interface Background {
  tasks: Set<Promise<unknown>>;
  errors: number;
  /** index of the next durable job (harness.jobs) not yet handed to the "worker" */
  jobCursor: number;
  /** `chargeLost` top-ups still trying: their dropped answers outlive a `clearFaults` */
  lostCharges: number;
}

function spawn(bg: Background, work: () => Promise<unknown>): void {
  const p: Promise<unknown> = work()
    .catch(() => void bg.errors++)
    .finally(() => bg.tasks.delete(p));
  bg.tasks.add(p);
}

/**
 * Hands every pending in-process hand-off and every durable recharge job queued so far to a "worker" on the
 * current app instance (as pg-boss would deliver the durable ones). A crash drops the hand-offs, not the jobs.
 */
export function runPendingJobs(world: World, bg: Background): number {
  const db = world.db();
  const work = world.harness.handOffs.splice(0);
  const jobs = world.harness.jobs.slice(bg.jobCursor).filter((j) => j.name === "recharge.charge" || j.name === "recharge.trigger");
  bg.jobCursor = world.harness.jobs.length;
  for (const j of [...work, ...jobs]) spawn(bg, () => runJob(db, j.name, j.data));
  if (world.child) spawn(bg, () => runChildWork(world, bg)); // the second process's hand-offs and durable jobs
  return work.length + jobs.length;
}

/**
 * Reconciliation as its 1-minute job would run it three minutes from now on the app clock (every open attempt
 * is "stuck"; after a `monthEnd` the clock is weeks ahead of the wall), plus a day per `forgetKeys` so far
 * (the keys Stripe forgot are a day old to it as well).
 */
export function reconcileLater(world: World): Promise<unknown> {
  return reconcileRechargeAttempts(world.db(), { now: new Date(appNow().getTime() + world.skewMs + 180_000) });
}

const STRIPE_FAULTS = (rng: Rng): Record<string, unknown> =>
  rng.pick([
    { fail_next_requests: rng.int(1, 4) },
    { hang_next_requests: rng.int(1, 6), hang_ms: 2500, hang_method: "POST" },
    { hang_every_n: rng.int(3, 6), hang_ms: 2500 },
    { drop_response_next_requests: rng.int(2, 8), drop_method: "POST" },
    // aimed at the charge itself: enough dropped answers that every retry of the create is lost (outcome unknown)
    { drop_response_next_requests: rng.int(4, 12), drop_method: "POST", drop_path_prefix: "/v1/payment_intents" },
    { hang_next_requests: rng.int(2, 8), hang_ms: 2500, hang_method: "POST", hang_path_prefix: "/v1/payment_intents" },
  ]);
/** the webhooks that settle a recharge: with them lost, only an answer or a search tells what a charge did */
const PI_EVENTS = ["payment_intent.succeeded", "payment_intent.payment_failed", "payment_intent.requires_action", "payment_intent.canceled"];
const WEBHOOK_FAULTS = (rng: Rng): Record<string, unknown> =>
  rng.pick([{ duplicate_deliveries: true }, { shuffle: true }, { delay_ms: rng.int(20, 400) }, { drop_first_attempt: true }, { drop_webhooks: true }]);

/** The emulator's admin API (also DELETE, which the harness helper does not offer). */
export async function emulatorAdmin(world: World, method: string, route: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${world.harness.emu.url}/_emulator/${route}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`emulator admin ${method} ${route}: ${res.status} ${await res.text()}`);
  return res.json();
}

/**
 * Faults off — except the dropped answers of a `chargeLost` charge still trying (its retries span ~2.5 s,
 * dozens of ops): cleared at once, a retry would get the replay and the answer would not be lost after all.
 */
async function clearFaults(world: World, bg: Background): Promise<void> {
  const { faults } = (await emulatorAdmin(world, "GET", "faults")) as { faults: Record<string, unknown> };
  await emulatorAdmin(world, "DELETE", "faults");
  const left = Number(faults.drop_response_next_requests ?? 0);
  if (bg.lostCharges > 0 && left > 0 && faults.drop_path_prefix === "/v1/payment_intents")
    await emulatorAdmin(world, "POST", "faults", { drop_response_next_requests: left, drop_method: "POST", drop_path_prefix: "/v1/payment_intents" });
}

/** Faults off, background work done, webhooks delivered: nothing in flight (as `forgetKeys` waits). */
async function quietMoment(world: World, bg: Background): Promise<void> {
  await clearFaults(world, bg);
  while (bg.tasks.size) await Promise.allSettled([...bg.tasks]);
  await world.harness.emu.webhooksIdle(60_000);
}

/** Performs one operation. All random draws happen before any I/O, so the op sequence depends on the seed only. */
export async function runOp(kind: OpKind, rng: Rng, world: World, log: ClientLog, bg: Background): Promise<void> {
  const org = rng.int(0, world.orgs.length - 1);
  const o = world.orgs[org]!;
  const admin = (method: string, route: string, body?: unknown) => emulatorAdmin(world, method, route, body);
  switch (kind) {
    case "usage": {
      const qs = Array.from({ length: rng.int(1, 4) }, () => rng.int(1, 25));
      await Promise.all(qs.map((q) => usageOnce(world, log, org, q, newKey(log, "u"))));
      return;
    }
    case "retry": {
      const i = rng.next();
      if (log.done.length === 0) return;
      const key = log.done[Math.floor(i * log.done.length)]!;
      const s = log.sent.get(key)!;
      return usageOnce(world, log, s.org, s.quantity, key);
    }
    case "batch":
      return usageBatch(
        world,
        log,
        org,
        Array.from({ length: rng.int(2, 20) }, () => rng.int(1, 30)),
      );
    case "burst": {
      // a fast burst: waves of concurrent requests that take the balance through the threshold and up to
      // `over` below zero while the recharge they trigger is in flight (its charge waits for a jobs op)
      const waves = rng.int(3, 6);
      const width = rng.int(2, 4);
      const over = rng.int(100, 800);
      const [b] = await world.check<
        { n: number }[]
      >`SELECT (plan_credits + topup_credits - held_credits)::int AS n FROM credit_balances WHERE org_id = ${o.id}`;
      const q = Math.max(1, Math.ceil((Math.max(0, b?.n ?? 0) + over) / (waves * width)));
      for (let w = 0; w < waves; w++) await Promise.all(Array.from({ length: width }, () => usageOnce(world, log, org, q, newKey(log, "u"))));
      return;
    }
    case "hold": {
      const q = rng.int(5, 80);
      const capture = rng.chance(0.8) ? rng.int(0, q + 20) : null;
      return holdCycle(world, log, org, q, capture);
    }
    case "jobs":
      runPendingJobs(world, bg);
      return;
    case "reconcile":
      // a day ahead (after forgotten keys), only when nothing is in flight — else skipped (waiting for a quiet
      // moment held runs for seconds): a create still on its way must not look a day old to it (it would
      // settle "never charged" an attempt charged a moment later)
      // (after a month's jump likewise: an attempt opened before it looks weeks old)
      if (world.skewMs === 0 && world.clockMovedAt === 0) spawn(bg, () => reconcileLater(world));
      else if (bg.tasks.size === 0) await reconcileLater(world).catch(() => void bg.errors++);
      return;
    case "settings": {
      const input = { enabled: rng.chance(0.85), threshold: rng.int(50, 900), rechargePacks: rng.int(1, 3), maxRechargesPerMonth: rng.int(2, 10) };
      o.maxCapEver = Math.max(o.maxCapEver, input.maxRechargesPerMonth);
      await saveAutoRechargeSettings(world.db(), { orgId: o.id, input, actor: { source: "ui" }, consent: { given: true } }).catch(() => void bg.errors++);
      return;
    }
    case "topUp":
      spawn(bg, () => topUpNow(world.db(), { orgId: o.id, userId: null, packs: 1 }));
      return;
    case "card": {
      const pm = rng.chance(0.3) ? "pm_card_chargeCustomerFail" : "pm_card_visa";
      o.goodCard = pm === "pm_card_visa";
      o.cardBusy++;
      spawn(bg, () =>
        attachTestCard(world.db(), o.id, pm).finally(() => {
          o.cardBusy--;
          o.cardChangedAt = Date.now();
        }),
      );
      return;
    }
    case "stripeFault":
      await admin("POST", "faults", STRIPE_FAULTS(rng));
      return;
    case "chargeLost": {
      // a charge Stripe performs (on a good card: the drawn org's, else the next org's) whose every answer is
      // lost — the create, the SDK's retry and our two re-tries: 6 requests — while the payment_intent.*
      // webhooks are lost too: only a search can tell. Added to the drops left (charges in flight share them).
      const drops = rng.int(10, 16);
      const target = world.orgs.map((_, i) => world.orgs[(org + i) % world.orgs.length]!).find((x) => x.goodCard) ?? o;
      const { faults } = (await admin("GET", "faults")) as { faults: Record<string, unknown> };
      const left = faults.drop_path_prefix === "/v1/payment_intents" ? Number(faults.drop_response_next_requests ?? 0) : 0;
      await admin("POST", "faults", {
        drop_response_next_requests: left + drops,
        drop_method: "POST",
        drop_path_prefix: "/v1/payment_intents",
        drop_webhooks: PI_EVENTS,
      });
      bg.lostCharges++;
      // Top Up Now's attempt and charge path, with shorter pauses between its re-tries (0.5 + 2 s would hold the run)
      spawn(bg, async () => {
        try {
          const a = await createRechargeAttempt(world.db(), { orgId: target.id, trigger: "manual", ...quotePacks(getPlan("starter"), 1) });
          return await chargeRechargeAttempt(world.db(), a!.id, { retryDelaysMs: [] });
        } finally {
          bg.lostCharges--;
        }
      });
      return;
    }
    case "webhookFault":
      await admin("POST", "faults", WEBHOOK_FAULTS(rng));
      return;
    case "clearFaults":
      return clearFaults(world, bg);
    case "forgetKeys":
      // "a day passes": Stripe forgets the keys (24 h) only when nothing is in flight — a key cannot expire
      // seconds after its request — and reconciliation's clock moves a day on with it
      await clearFaults(world, bg);
      while (bg.tasks.size) await Promise.allSettled([...bg.tasks]);
      await world.harness.emu.webhooksIdle(60_000);
      await admin("POST", "idempotency/forget");
      world.skewMs += 25 * 3600_000;
      return;
    case "crash": {
      // requests and jobs in flight when the process dies (the pool is cut under them, hand-offs are lost) — or,
      // on an odd delay (no extra draw: the seed's op sequence stays as it was), when Postgres restarts: every
      // backend of the database is terminated under them and the same process reconnects
      const qs = Array.from({ length: rng.int(1, 4) }, () => rng.int(1, 25));
      const delay = rng.int(0, 25);
      runPendingJobs(world, bg);
      const inFlight = Promise.all(qs.map((q) => usageOnce(world, log, org, q, newKey(log, "u"))));
      await new Promise((r) => setTimeout(r, delay));
      await (delay % 2 === 1 ? world.restartPostgres() : world.crash());
      await inFlight;
      return;
    }
    case "monthEnd": {
      const before = Array.from({ length: rng.int(2, 5) }, () => rng.int(5, 60));
      const after = Array.from({ length: rng.int(2, 5) }, () => rng.int(5, 60));
      return monthEnd(world, log, org, { before, after }, { quiet: () => quietMoment(world, bg), runJobs: () => void runPendingJobs(world, bg) });
    }
    case "planChange": {
      const pick = rng.int(0, 2);
      spawn(bg, () => planChange(world, o.id, pick));
      return;
    }
  }
}
