import { newUsageId } from "./usage-id";
import { DEFAULT_METER } from "@/lib/billing/meters";
import type postgres from "postgres";
import type { Db } from "@/db/client";
import { planDebits, type AppliedUsage, type DebitPlan, type DebitRequest, type PoolBalances, type UsageMeasure } from "@/lib/billing/debit-plan";
import { assertCredits, debitLimits, LedgerError, toBalance, type Balance, type BalanceColumns } from "./balance";
import { lockBalanceAndPrior, readPriorUsages, writeDebitsIfUnchanged, type BalanceRow, type ExpectedBalance, type PriorUsageRow } from "./debit-sql";
import { isUniqueViolation, toLedgerWriteError } from "./write-error";
import { activeHeldCredits, addBudgetUse, lockBudgetCounter, type BudgetAlerts, type BudgetState } from "./key-budget-sql";

export type { DebitRequest } from "@/lib/billing/debit-plan";

export type DebitResult =
  | { ok: true; id: string; quantity: number; balance: Balance; replayed: boolean; measure?: UsageMeasure | null }
  | { ok: false; code: "insufficient_credits"; quantity: number; balance: Balance }
  | { ok: false; code: "budget_exceeded"; quantity: number; balance: Balance; budget: BudgetState };

/** A debit through an API key with a budget: counted against it under its counter row's lock. */
export interface BudgetedDebit {
  keyId: string;
  /** writes the alerts' email + event IN the debit's transaction (called only when a level was crossed) */
  onAlerts?: (tx: postgres.TransactionSql, alerts: BudgetAlerts) => Promise<void>;
  now?: Date;
}

/** One applied batch: a result per request (in order), the org's balance after it, its auto-recharge settings. */
export interface DebitFlush {
  results: DebitResult[];
  /**
   * the balance row after the batch — what the next batch of this org may expect; carries `heldCredits`,
   * `graceCredits` and `available` (= total − held + grace), which the recharge trigger compares with the threshold
   */
  balance: Balance;
  /** the org's auto-recharge settings as the batch committed (null: never configured) */
  autoRecharge: { enabled: boolean; threshold: number } | null;
  /** how it was applied: one compare-and-set statement, or the transaction under the row lock */
  via: "compare-and-set" | "row-lock";
  /** the API key's budget after the batch (budgeted debits only) */
  budget?: BudgetState;
}

/**
 * Debits usage for one org: plan pool first, then top-up pool, all `requests` decided in arrival order by the
 * pure `planDebits` on the locked (true) balance, in ONE transaction — lock the balance row and read the prior
 * results of the requests' idempotency keys, then one statement that updates the balance, inserts the usage
 * events and their ledger entries and adds them to the hourly rollup (`usage_hourly`).
 *
 * `requests`: 1..n, each `quantity` an integer ≥ 1 (credits). Returns one result per request, in order:
 * success with the balance after it, a replay of the first result for an idempotency key already applied,
 * or `insufficient_credits` (nothing debited for that request) when total − held − quantity < −grace (grace:
 * the open grace's credits, else 0 — so without grace nothing goes below zero). Throws `LedgerError` for a missing
 * balance row or a non-integer quantity (nothing written).
 */
export async function debitCredits(db: Db, orgId: string, requests: readonly DebitRequest[]): Promise<DebitResult[]> {
  if (requests.length === 0) return [];
  return (await debitLocked(db, orgId, requests)).results;
}

/**
 * `debitCredits`, returning the whole `DebitFlush`. Never fails a batch over one request's key: a key another
 * process applied while this one waited for the row lock is re-read under the lock (a new statement, a new
 * snapshot) and answered as a replay, its neighbours with their own results. A unique violation (a key
 * raced in by a writer outside this path) retries the transaction once. Database errors are thrown as
 * `LedgerWriteError` saying whether the batch was applied (`false` / `"unknown"`).
 */
export async function debitLocked(db: Db, orgId: string, requests: readonly DebitRequest[], budgeted?: BudgetedDebit): Promise<DebitFlush> {
  for (const r of requests) assertCredits(r.quantity, "quantity");
  const keys = [...new Set(requests.map((r) => r.idempotencyKey).filter((k): k is string => !!k))];
  for (let attempt = 1; ; attempt++) {
    let committing = false;
    try {
      const flush = (await db.$client.begin(async (tx) => {
        const flushed = await debitUnderLock(tx, orgId, requests, keys, budgeted);
        committing = true; // postgres.js sends COMMIT once this callback returns
        return flushed;
      })) as DebitFlush;
      return flush;
    } catch (err) {
      if (err instanceof LedgerError) throw err;
      if (isUniqueViolation(err) && attempt === 1) continue;
      throw toLedgerWriteError(err, committing);
    }
  }
}

async function debitUnderLock(
  tx: postgres.TransactionSql,
  orgId: string,
  requests: readonly DebitRequest[],
  keys: string[],
  budgeted: BudgetedDebit | undefined,
): Promise<DebitFlush> {
  const row = await lockBalanceAndPrior(tx, orgId, keys);
  if (!row) throw new LedgerError("balance_missing", `No credit balance for org ${orgId}`);
  // The key's budget and its period's counter, locked after the balance row (the debit path's lock order).
  const now = budgeted?.now ?? new Date();
  const budget = budgeted ? await lockBudgetCounter(tx, budgeted.keyId, now) : undefined;
  // what the key's active holds reserve stays theirs: their captures are never refused by the budget
  const remaining = budget ? Math.max(0, budget.credits - budget.used - (await activeHeldCredits(tx, orgId, budget.keyId, now))) : null;
  const start = { planCredits: row.plan_credits, topupCredits: row.topup_credits };
  const limits = debitLimits(rowBalance(row));
  const expected = { ...start, ...limits };
  // First with the prior keys the locking statement saw; if its write finds a key it did not see (committed by
  // another process while we waited for the lock), once more with the keys a fresh statement reads.
  let priorRows = row.prior ?? [];
  for (let pass = 1; pass <= 2; pass++) {
    const plan = planDebits(start, requests, priorMap(priorRows), newUsageId, limits, remaining);
    if (plan.newUsages.length === 0) return toFlush(plan.outcomes, row, "row-lock", budget);
    const written = await writeDebitsIfUnchanged(tx, orgId, expected, plan);
    if (!written) {
      priorRows = await readPriorUsages(tx, orgId, keys);
      continue;
    }
    if (!budget) return toFlush(plan.outcomes, written, "row-lock");
    const { state, levels } = await addBudgetUse(
      tx,
      budget,
      plan.newUsages.reduce((n, u) => n + u.quantity, 0),
    );
    if (levels.length > 0 && budgeted?.onAlerts) await budgeted.onAlerts(tx, { orgId, budget: state, levels });
    return toFlush(plan.outcomes, written, "row-lock", state);
  }
  // Under the row lock with every applied key read after the lock was granted, the guard always holds.
  throw new Error(`ledger: the locked balance of org ${orgId} changed under its lock`);
}

function priorMap(rows: readonly PriorUsageRow[]): Map<string, AppliedUsage> {
  const prior = new Map<string, AppliedUsage>();
  for (const u of rows) {
    prior.set(u.idempotency_key, {
      id: u.id,
      quantity: u.quantity,
      idempotencyKey: u.idempotency_key,
      // a plain debit (the default meter, units = credits) replays as it was answered: without a measure
      ...(u.meter !== DEFAULT_METER || (u.units ?? u.quantity) !== u.quantity ? { measure: { meter: u.meter, units: u.units ?? u.quantity } } : {}),
      planCreditsAfter: u.plan_credits_after,
      topupCreditsAfter: u.topup_credits_after,
    });
  }
  return prior;
}

/**
 * The one-round-trip debit: decides `requests` on `expected` (the balance this process last wrote for the
 * org) and applies them with ONE autocommitted statement that writes only if the balance row still holds
 * `expected` and none of the new idempotency keys has been applied — a compare-and-set, so every answer is
 * still decided on the true balance. Returns null, having written nothing, when it cannot answer exactly
 * that way: the balance moved (another process, a top-up, a plan reset), a key was applied before, or a
 * request would be refused (a 402 is always decided under the row lock by `debitLocked`).
 */
export async function debitIfUnchanged(db: Db, orgId: string, requests: readonly DebitRequest[], expected: Balance): Promise<DebitFlush | null> {
  const planned = planCompareAndSet(requests, expected);
  if (!planned) return null;
  const { guard, plan } = planned;
  try {
    const row = await writeDebitsIfUnchanged(db.$client, orgId, guard, plan);
    return row ? toFlush(plan.outcomes, row, "compare-and-set") : null;
  } catch (err) {
    // 23505: a key applied by another process between the statement's snapshot and its insert. The statement
    // wrote nothing; the locked path answers the duplicate with its replay and every neighbour on its own.
    if (isUniqueViolation(err)) return null;
    throw toLedgerWriteError(err, true);
  }
}

/**
 * The plan of a compare-and-set debit: `requests` decided on `expected` (no prior keys: a key seen before fails
 * the statement's guard instead), and the guard the write compares the row with. Null when the compare-and-set
 * cannot answer exactly: nothing new, or a request would be refused (a 402 is decided under the row lock).
 */
export function planCompareAndSet(requests: readonly DebitRequest[], expected: Balance): { guard: ExpectedBalance; plan: DebitPlan } | null {
  for (const r of requests) assertCredits(r.quantity, "quantity");
  const start: PoolBalances = { planCredits: expected.planCredits, topupCredits: expected.topupCredits };
  const limits = debitLimits(expected);
  const plan = planDebits(start, requests, new Map(), newUsageId, limits);
  if (plan.newUsages.length === 0 || plan.outcomes.some((o) => !o.ok)) return null;
  return { guard: { ...start, ...limits }, plan };
}

/** The hot path's snake_case row as the columns `toBalance` reads. */
function rowColumns(row: BalanceRow): BalanceColumns {
  return {
    planCredits: row.plan_credits,
    topupCredits: row.topup_credits,
    planAllotment: row.plan_allotment,
    planResetsAt: row.plan_resets_at ? new Date(row.plan_resets_at) : null,
    heldCredits: row.held_credits,
    graceCredits: row.grace_credits,
    graceAttemptId: row.grace_attempt_id,
  };
}

/** The balance a debit statement's row holds (written or read under its lock). */
export function rowBalance(row: BalanceRow): Balance {
  return toBalance(rowColumns(row));
}

export function toFlush(outcomes: ReturnType<typeof planDebits>["outcomes"], row: BalanceRow, via: DebitFlush["via"], budget?: BudgetState): DebitFlush {
  const extra = rowColumns(row);
  const results = outcomes.map((o): DebitResult => {
    if (!o.ok) {
      const balance = toBalance({ ...extra, ...o.balance });
      if (o.code === "budget_exceeded" && budget) return { ok: false, code: o.code, quantity: o.quantity, balance, budget: publicBudget(budget) };
      return { ok: false, code: "insufficient_credits", quantity: o.quantity, balance };
    }
    const balance = toBalance({ ...extra, planCredits: o.usage.planCreditsAfter, topupCredits: o.usage.topupCreditsAfter });
    return { ok: true, id: o.usage.id, quantity: o.usage.quantity, balance, replayed: o.replayed, measure: o.usage.measure ?? null };
  });
  return {
    results,
    balance: toBalance(extra),
    autoRecharge: row.ar_enabled === null || row.ar_threshold === null ? null : { enabled: row.ar_enabled, threshold: row.ar_threshold },
    via,
    ...(budget ? { budget: publicBudget(budget) } : {}),
  };
}

/** The budget state without the lock-time bookkeeping (which alert levels were sent). */
function publicBudget(b: BudgetState & { alerted?: unknown }): BudgetState {
  const { alerted: _alerted, ...state } = b;
  return state;
}
