import type postgres from "postgres";
import { budgetAlertsCrossed, budgetWindow, type BudgetAlertLevel, type BudgetPeriod, type KeyBudget } from "@/lib/billing/key-budget";

/** An API key's budget as a debit saw it under the counter row's lock. */
export interface BudgetState extends KeyBudget {
  keyId: string;
  /** credits used this period (after the debit, when it is a debit's answer) */
  used: number;
  periodStart: Date;
  /** when the period ends and the budget resets */
  resetsAt: Date;
}

/** Alert levels a debit crossed (each sent once per period), written by the caller in the same transaction. */
export interface BudgetAlerts {
  orgId: string;
  budget: BudgetState;
  levels: BudgetAlertLevel[];
}

/**
 * Reads `keyId`'s budget and locks (creating it at 0) its usage counter row for the period containing `now` —
 * inside the debit's transaction, after the balance row (the debit path's lock order). Undefined: no budget.
 */
export async function lockBudgetCounter(
  tx: postgres.TransactionSql,
  keyId: string,
  now: Date,
): Promise<(BudgetState & { alerted: BudgetAlertLevel[] }) | undefined> {
  const [b] = await tx<{ credits: string; period: BudgetPeriod; time_zone: string }[]>`
    SELECT credits, period, time_zone FROM api_key_budgets WHERE key_id = ${keyId}`;
  if (!b) return undefined;
  const window = budgetWindow(b.period, b.time_zone, now);
  const [c] = await tx<{ used: string; a80: boolean; a100: boolean }[]>`
    INSERT INTO api_key_budget_usage (key_id, period_start, used) VALUES (${keyId}, ${window.start.toISOString()}, 0)
    ON CONFLICT (key_id, period_start) DO UPDATE SET used = api_key_budget_usage.used
    RETURNING used, alerted_80_at IS NOT NULL AS a80, alerted_100_at IS NOT NULL AS a100`;
  const alerted: BudgetAlertLevel[] = [...(c!.a80 ? [80 as const] : []), ...(c!.a100 ? [100 as const] : [])];
  return {
    keyId,
    credits: Number(b.credits),
    period: b.period,
    timeZone: b.time_zone,
    used: Number(c!.used),
    periodStart: window.start,
    resetsAt: window.end,
    alerted,
  };
}

/**
 * Credits reserved by the key's active holds (not expired at `now`): what its budget must keep for their
 * captures, which are never refused. Read under the counter's lock (every hold of the key is created under it).
 */
export async function activeHeldCredits(tx: postgres.TransactionSql, orgId: string, keyId: string, now: Date): Promise<number> {
  const [held] = await tx<{ n: string }[]>`
    SELECT COALESCE(SUM(quantity), 0) AS n FROM credit_holds
     WHERE org_id = ${orgId} AND budget_key_id = ${keyId} AND status = 'active' AND expires_at > ${now.toISOString()}`;
  return Number(held!.n);
}

/**
 * Adds `credits` to the locked counter and marks the alert levels it crosses as sent; returns the levels
 * (for the caller's email + event in the same transaction) and the budget state after the debit.
 */
export async function addBudgetUse(
  tx: postgres.TransactionSql,
  budget: BudgetState & { alerted: BudgetAlertLevel[] },
  credits: number,
): Promise<{ state: BudgetState; levels: BudgetAlertLevel[] }> {
  const after = budget.used + credits;
  const levels = budgetAlertsCrossed(budget.used, after, budget.credits, budget.alerted);
  const { alerted: _alerted, ...state } = budget;
  if (credits === 0) return { state, levels };
  await tx`
    UPDATE api_key_budget_usage
       SET used = used + ${credits},
           alerted_80_at = CASE WHEN ${levels.includes(80)} THEN now() ELSE alerted_80_at END,
           alerted_100_at = CASE WHEN ${levels.includes(100)} THEN now() ELSE alerted_100_at END
     WHERE key_id = ${budget.keyId} AND period_start = ${budget.periodStart.toISOString()}`;
  return { state: { ...state, used: after }, levels };
}
