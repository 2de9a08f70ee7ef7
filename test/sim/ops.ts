import { runJob } from "@/lib/jobs/handlers";
import { attachTestCard } from "@/lib/billing-events/provision";
import { reconcileRechargeAttempts } from "@/lib/recharge/reconcile";
import { saveAutoRechargeSettings } from "@/lib/recharge/save-settings";
import { topUpNow } from "@/lib/recharge/top-up-now";
import { holdCycle, newKey, usageBatch, usageOnce, type ClientLog } from "./client";
import type { Rng } from "./rng";
import type { World } from "./world";

/** The operations and their weights (relative frequency). */
export const OP_WEIGHTS = {
  usage: 30,
  retry: 6,
  batch: 8,
  hold: 6,
  jobs: 14,
  reconcile: 4,
  settings: 3,
  topUp: 2,
  card: 2,
  stripeFault: 4,
  webhookFault: 3,
  clearFaults: 5,
  forgetKeys: 1,
  crash: 1,
} as const;
export type OpKind = keyof typeof OP_WEIGHTS;

/** Background work in flight (charges, jobs, reconciliation, Top Up Now, card changes): never awaited by an op. */
export interface Background {
  tasks: Set<Promise<unknown>>;
  errors: number;
  /** index of the next durable job (harness.jobs) not yet handed to the "worker" */
  jobCursor: number;
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
  return work.length + jobs.length;
}

/**
 * Reconciliation as its 1-minute job would run it three minutes from now (every open attempt is "stuck"),
 * plus a day per `forgetKeys` so far (the keys Stripe forgot are a day old to it as well).
 */
export function reconcileLater(world: World): Promise<unknown> {
  return reconcileRechargeAttempts(world.db(), { now: new Date(Date.now() + world.skewMs + 180_000) });
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
    case "hold": {
      const q = rng.int(5, 80);
      const capture = rng.chance(0.8) ? rng.int(0, q + 20) : null;
      return holdCycle(world, log, org, q, capture);
    }
    case "jobs":
      runPendingJobs(world, bg);
      return;
    case "reconcile":
      // a day ahead (after forgotten keys), only once nothing is in flight: a create still on its way must not
      // look a day old to it (it would settle "never charged" an attempt charged a moment later)
      if (world.skewMs > 0) {
        while (bg.tasks.size) await Promise.allSettled([...bg.tasks]);
        await reconcileLater(world).catch(() => void bg.errors++);
      } else spawn(bg, () => reconcileLater(world));
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
      spawn(bg, () => attachTestCard(world.db(), o.id, pm));
      return;
    }
    case "stripeFault":
      await admin("POST", "faults", STRIPE_FAULTS(rng));
      return;
    case "webhookFault":
      await admin("POST", "faults", WEBHOOK_FAULTS(rng));
      return;
    case "clearFaults":
      await admin("DELETE", "faults");
      return;
    case "forgetKeys":
      // "a day passes": Stripe forgets the keys (24 h) only when nothing is in flight — a key cannot expire
      // seconds after its request — and reconciliation's clock moves a day on with it
      await admin("DELETE", "faults");
      while (bg.tasks.size) await Promise.allSettled([...bg.tasks]);
      await world.harness.emu.webhooksIdle(60_000);
      await admin("POST", "idempotency/forget");
      world.skewMs += 25 * 3600_000;
      return;
    case "crash": {
      // requests and jobs in flight when the process dies: the pool is cut under them, hand-offs are lost
      const qs = Array.from({ length: rng.int(1, 4) }, () => rng.int(1, 25));
      const delay = rng.int(0, 25);
      runPendingJobs(world, bg);
      const inFlight = Promise.all(qs.map((q) => usageOnce(world, log, org, q, newKey(log, "u"))));
      await new Promise((r) => setTimeout(r, delay));
      await world.crash();
      await inFlight;
      return;
    }
  }
}
