/**
 * Pure planning of usage debits against one org's two pools (no DB).
 *
 * Consumption order: plan credits first, then top-up credits. Requests are applied in arrival order;
 * a request is accepted when total − held − quantity ≥ −grace (see `DebitLimits`), otherwise refused
 * (`insufficient_credits`) changing nothing; later smaller requests may still succeed. Only the top-up pool
 * goes below zero (an overdraft, at most `graceCredits`); the plan pool never does. With an API key budget, a new
 * request above what the budget has left is refused first (`budget_exceeded`), changing nothing. A request whose idempotency key was already applied (before,
 * or earlier in the same batch) returns that first result and debits nothing.
 */

export interface PoolBalances {
  /** credits, integer ≥ 0 */
  planCredits: number;
  /** credits, integer; below 0 only as an overdraft within grace */
  topupCredits: number;
}

/** What else bounds a debit, beyond the pools. */
export interface DebitLimits {
  /** credits reserved by active holds (≥ 0): they count against every new debit */
  heldCredits: number;
  /** the overdraft allowed now (≥ 0): the open grace's credits, 0 when no grace is open */
  graceCredits: number;
}

const NO_LIMITS: DebitLimits = { heldCredits: 0, graceCredits: 0 };

/** What a usage was measured in (see lib/billing/meters): absent on a plain credit debit (the default meter). */
export interface UsageMeasure {
  /** a meter id (`MeterId`) */
  meter: string;
  /** units of `meter`, integer ≥ 1; `quantity` = units × the plan's rate */
  units: number;
  /** ≤ 10 string keys → strings, kept with the usage event and its rollups */
  properties?: Record<string, string> | null;
  /** when the usage occurred, if the caller said (else when it is debited) */
  occurredAt?: Date | null;
}

export interface DebitRequest {
  /** credits, integer ≥ 1 */
  quantity: number;
  /** caller's key, ≤ 255 chars; same key → same result, applied once */
  idempotencyKey?: string | null;
  measure?: UsageMeasure | null;
}

export interface AppliedUsage {
  id: string;
  quantity: number;
  idempotencyKey: string | null;
  /** as requested (a replay: as first recorded); null: the default meter, units = quantity */
  measure?: UsageMeasure | null;
  planCreditsAfter: number;
  topupCreditsAfter: number;
}

interface PlannedEntry {
  usageId: string;
  pool: "plan" | "topup";
  /** negative credits */
  delta: number;
  balanceAfter: number;
}

type DebitOutcome =
  | { ok: true; usage: AppliedUsage; replayed: boolean }
  | { ok: false; code: "insufficient_credits" | "budget_exceeded"; quantity: number; balance: PoolBalances };

export interface DebitPlan {
  outcomes: DebitOutcome[];
  /** usages to insert (not the replays) */
  newUsages: AppliedUsage[];
  entries: PlannedEntry[];
  final: PoolBalances;
}

/**
 * Splits `quantity` across pools, plan first; null when total − held − quantity < −grace. What the plan pool
 * cannot cover comes from the top-up pool, which may go below zero by at most `limits.graceCredits`.
 */
export function splitDebit(balance: PoolBalances, quantity: number, limits: DebitLimits = NO_LIMITS): { fromPlan: number; fromTopup: number } | null {
  if (balance.planCredits + balance.topupCredits - limits.heldCredits - quantity < -limits.graceCredits) return null;
  const fromPlan = Math.min(balance.planCredits, quantity);
  return { fromPlan, fromTopup: quantity - fromPlan };
}

export function planDebits(
  start: PoolBalances,
  requests: readonly DebitRequest[],
  prior: ReadonlyMap<string, AppliedUsage>,
  newId: () => string,
  limits: DebitLimits = NO_LIMITS,
  /** credits the API key's budget has left this period (null: no budget); a new request above it is `budget_exceeded` */
  budgetRemaining: number | null = null,
): DebitPlan {
  let bal = { ...start };
  let remaining = budgetRemaining;
  const seen = new Map(prior);
  const outcomes: DebitOutcome[] = [];
  const newUsages: AppliedUsage[] = [];
  const entries: PlannedEntry[] = [];

  for (const req of requests) {
    const key = req.idempotencyKey ?? null;
    const earlier = key === null ? undefined : seen.get(key);
    if (earlier) {
      outcomes.push({ ok: true, usage: earlier, replayed: true });
      continue;
    }
    if (remaining !== null && req.quantity > remaining) {
      outcomes.push({ ok: false, code: "budget_exceeded", quantity: req.quantity, balance: { ...bal } });
      continue;
    }
    const split = splitDebit(bal, req.quantity, limits);
    if (!split) {
      outcomes.push({ ok: false, code: "insufficient_credits", quantity: req.quantity, balance: { ...bal } });
      continue;
    }
    const id = newId();
    if (remaining !== null) remaining -= req.quantity;
    bal = { planCredits: bal.planCredits - split.fromPlan, topupCredits: bal.topupCredits - split.fromTopup };
    if (split.fromPlan > 0) entries.push({ usageId: id, pool: "plan", delta: -split.fromPlan, balanceAfter: bal.planCredits });
    if (split.fromTopup > 0) entries.push({ usageId: id, pool: "topup", delta: -split.fromTopup, balanceAfter: bal.topupCredits });
    const usage: AppliedUsage = {
      id,
      quantity: req.quantity,
      idempotencyKey: key,
      ...(req.measure ? { measure: req.measure } : {}),
      planCreditsAfter: bal.planCredits,
      topupCreditsAfter: bal.topupCredits,
    };
    if (key !== null) seen.set(key, usage);
    newUsages.push(usage);
    outcomes.push({ ok: true, usage, replayed: false });
  }
  return { outcomes, newUsages, entries, final: bal };
}
