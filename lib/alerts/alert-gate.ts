import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { balanceAlertStates } from "@/db/schema";
import { alertGate, type AlertState } from "@/lib/billing/balance-alerts";
import { handOffJob } from "@/lib/jobs/queue";
import { logger } from "@/lib/log";
import { getBalanceAlertSettings } from "./alert-settings";

/**
 * The debit path's gate for low-balance alerts, in process memory: per org, the level at or below which a
 * debit may make an alert fire (`alertGate`: the highest armed threshold not held back by the hourly limit),
 * kept for GATE_TTL_MS (another process's fire or the owner's save elsewhere is seen within it). A flush
 * whose available balance is above the level costs nothing: no query. At or below it, one `alerts.check`
 * is handed off per org at a time (the check is exact, under row locks; a flush during it asks for one more).
 */
const GATE_TTL_MS = 5_000;
const MAX_ORGS = 10_000;

interface Gate {
  level: number | null;
  validUntil: number;
}

/** a hand-off older than this is presumed lost (its job never reported back) */
const CHECK_STALE_MS = 30_000;

const holder = globalThis as unknown as { refillAlertGates?: Map<string, Gate>; refillAlertChecks?: Map<string, { since: number; again: boolean }> };
const loading = () =>
  ((globalThis as unknown as { refillAlertGateLoads?: Map<string, { lowest: number; done: Promise<void> }> }).refillAlertGateLoads ??= new Map());
const gates = () => (holder.refillAlertGates ??= new Map());
const checks = () => (holder.refillAlertChecks ??= new Map());

/** Called by the check with the states it wrote: the gate follows them without a query. */
export function rememberAlertStates(orgId: string, thresholds: number[], states: AlertState[], now: Date): void {
  const g = alertGate(thresholds, states, now);
  const until = Math.min(now.getTime() + GATE_TTL_MS, g.recheckAt?.getTime() ?? Infinity);
  if (gates().size >= MAX_ORGS && !gates().has(orgId)) gates().clear();
  gates().set(orgId, { level: g.level, validUntil: until });
}

/** Forgets an org's gate (its settings changed in this process). */
export function forgetAlertGate(orgId: string): void {
  gates().delete(orgId);
}

/**
 * After a debit flush committed with `available` left: hands off an alert check when an alert may fire
 * (or when this process has no fresh gate for the org: the check computes it). Never waits, never throws.
 */
export function alertsAfterDebit(db: Db, orgId: string, available: number, nowMs = Date.now()): void {
  const g = gates().get(orgId);
  if (g && g.validUntil > nowMs) {
    if (g.level !== null && available <= g.level) requestAlertCheck(db, orgId);
    return;
  }
  const pending = loading().get(orgId);
  if (pending) {
    pending.lowest = Math.min(pending.lowest, available); // the load decides for the lowest balance seen meanwhile
    return;
  }
  const entry = { lowest: available, done: Promise.resolve() };
  entry.done = loadAlertGate(db, orgId)
    .then((level) => {
      if (level !== null && entry.lowest <= level) requestAlertCheck(db, orgId);
    })
    .catch((err: unknown) => logger.error({ err, orgId, component: "alerts" }, "alert gate load failed"))
    .finally(() => loading().delete(orgId));
  loading().set(orgId, entry);
}

/** Resolves when the gate loads started so far are done (tests; graceful shutdown needs nothing: the sweep). */
export async function alertGateLoadsIdle(): Promise<void> {
  while (loading().size > 0) await Promise.all([...loading().values()].map((l) => l.done));
}

/** Reads the org's thresholds and alert states (two reads, no lock) into the gate; returns its level. */
async function loadAlertGate(db: Db, orgId: string): Promise<number | null> {
  const now = new Date();
  const settings = await getBalanceAlertSettings(db, orgId);
  const states = await db.select().from(balanceAlertStates).where(eq(balanceAlertStates.orgId, orgId));
  rememberAlertStates(orgId, settings.thresholds, states, now);
  return gates().get(orgId)!.level;
}

/** Hands off one `alerts.check` for the org (coalesced: while one runs, at most one more follows it). */
export function requestAlertCheck(db: Db | null, orgId: string): void {
  const running = checks().get(orgId);
  if (running && Date.now() - running.since < CHECK_STALE_MS) {
    running.again = true;
    return;
  }
  checks().set(orgId, { since: Date.now(), again: false });
  void handOffJob(db, "alerts.check", { orgId }).catch((err: unknown) => logger.error({ err, orgId, component: "alerts" }, "alert hand-off failed"));
}

/** The `alerts.check` job's end (the handler calls it, success or not): runs the follow-up check if one was asked for. */
export function alertCheckDone(db: Db | null, orgId: string): void {
  const again = checks().get(orgId)?.again === true;
  checks().delete(orgId);
  if (again) requestAlertCheck(db, orgId);
}
