import { inArray } from "drizzle-orm";
import type { Db } from "@/db/client";
import { balanceAlertStates } from "@/db/schema";
import { alertGate, type AlertState } from "@/lib/billing/balance-alerts";
import { createDebitGate, type GateLevel } from "@/lib/usage/debit-gate";
import { getBalanceAlertSettingsOf } from "./alert-settings";

/**
 * The debit path's gate for low-balance alerts (lib/usage/debit-gate): per org, the level at or below which a
 * debit may make an alert fire (`alertGate`: the highest armed threshold not held back by the hourly limit),
 * kept for GATE_TTL_MS or until a held-back alert may fire again. At or below it, one `alerts.check` is handed
 * off per org at a time (the check is exact, under row locks).
 */
const GATE_TTL_MS = 5_000;

function gateOf(thresholds: number[], states: AlertState[], now: Date): GateLevel {
  const g = alertGate(thresholds, states, now);
  return { level: g.level, validUntil: Math.min(now.getTime() + GATE_TTL_MS, g.recheckAt?.getTime() ?? Infinity) };
}

/** Reads the thresholds and alert states of many orgs (two reads, no lock). */
async function loadAlertGates(db: Db, orgIds: string[], nowMs: number): Promise<Map<string, GateLevel>> {
  const now = new Date(nowMs);
  const [settings, states] = await Promise.all([
    getBalanceAlertSettingsOf(db, orgIds),
    db.select().from(balanceAlertStates).where(inArray(balanceAlertStates.orgId, orgIds)),
  ]);
  const statesOf = new Map<string, AlertState[]>();
  for (const x of states) statesOf.set(x.orgId, [...(statesOf.get(x.orgId) ?? []), x]);
  const gates = new Map<string, GateLevel>();
  for (const [orgId, s] of settings) gates.set(orgId, gateOf(s.thresholds, statesOf.get(orgId) ?? [], now));
  return gates;
}

const gate = createDebitGate({ name: "alerts", job: "alerts.check", mayFire: (available, level) => available <= level, loadMany: loadAlertGates });

/** Called by the check with the states it wrote: the gate follows them without a query. */
export function rememberAlertStates(orgId: string, thresholds: number[], states: AlertState[], now: Date): void {
  gate.remember(orgId, gateOf(thresholds, states, now));
}

/** Forgets an org's gate (its settings changed in this process). */
export const forgetAlertGate = (orgId: string): void => gate.forget(orgId);

/**
 * After a debit flush committed with `available` left: hands off an alert check when an alert may fire
 * (or when this process has no fresh gate for the org: the batched read computes it). Never waits, never throws.
 */
export const alertsAfterDebit = (db: Db, orgId: string, available: number, nowMs = Date.now()): void => gate.afterDebit(db, orgId, available, nowMs);

/** Resolves when the gate loads started so far are done (tests; graceful shutdown needs nothing: the sweep). */
export const alertGateLoadsIdle = (): Promise<void> => gate.loadsIdle();

/** Hands off one `alerts.check` for the org (coalesced: while one runs, at most one more follows it). */
export const requestAlertCheck = (db: Db | null, orgId: string): void => gate.requestCheck(db, orgId);

/** The `alerts.check` job's end (the handler calls it, success or not): runs the follow-up check if one was asked for. */
export const alertCheckDone = (db: Db | null, orgId: string): void => gate.checkDone(db, orgId);
