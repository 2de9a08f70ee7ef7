/**
 * Pure planning of usage debits against one org's two pools (no DB).
 *
 * Consumption order: plan credits first, then top-up credits. Requests are applied in arrival order;
 * a request the remaining total cannot cover is refused (`insufficient_credits`) and changes nothing,
 * later smaller requests may still succeed. A request whose idempotency key was already applied (before,
 * or earlier in the same batch) returns that first result and debits nothing.
 */

export interface PoolBalances {
  /** credits, integer ≥ 0 */
  planCredits: number;
  /** credits, integer ≥ 0 */
  topupCredits: number;
}

export interface DebitRequest {
  /** credits, integer ≥ 1 */
  quantity: number;
  /** caller's key, ≤ 255 chars; same key → same result, applied once */
  idempotencyKey?: string | null;
}

export interface AppliedUsage {
  id: string;
  quantity: number;
  idempotencyKey: string | null;
  planCreditsAfter: number;
  topupCreditsAfter: number;
}

export interface PlannedEntry {
  usageId: string;
  pool: "plan" | "topup";
  /** negative credits */
  delta: number;
  balanceAfter: number;
}

export type DebitOutcome =
  | { ok: true; usage: AppliedUsage; replayed: boolean }
  | { ok: false; code: "insufficient_credits"; quantity: number; balance: PoolBalances };

export interface DebitPlan {
  outcomes: DebitOutcome[];
  /** usages to insert (not the replays) */
  newUsages: AppliedUsage[];
  entries: PlannedEntry[];
  final: PoolBalances;
}

/** Splits `quantity` across pools, plan first; null when the total is short. */
export function splitDebit(balance: PoolBalances, quantity: number): { fromPlan: number; fromTopup: number } | null {
  if (balance.planCredits + balance.topupCredits < quantity) return null;
  const fromPlan = Math.min(balance.planCredits, quantity);
  return { fromPlan, fromTopup: quantity - fromPlan };
}

export function planDebits(
  start: PoolBalances,
  requests: readonly DebitRequest[],
  prior: ReadonlyMap<string, AppliedUsage>,
  newId: () => string,
): DebitPlan {
  let bal = { ...start };
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
    const split = splitDebit(bal, req.quantity);
    if (!split) {
      outcomes.push({ ok: false, code: "insufficient_credits", quantity: req.quantity, balance: { ...bal } });
      continue;
    }
    const id = newId();
    bal = { planCredits: bal.planCredits - split.fromPlan, topupCredits: bal.topupCredits - split.fromTopup };
    if (split.fromPlan > 0) entries.push({ usageId: id, pool: "plan", delta: -split.fromPlan, balanceAfter: bal.planCredits });
    if (split.fromTopup > 0) entries.push({ usageId: id, pool: "topup", delta: -split.fromTopup, balanceAfter: bal.topupCredits });
    const usage: AppliedUsage = {
      id,
      quantity: req.quantity,
      idempotencyKey: key,
      planCreditsAfter: bal.planCredits,
      topupCreditsAfter: bal.topupCredits,
    };
    if (key !== null) seen.set(key, usage);
    newUsages.push(usage);
    outcomes.push({ ok: true, usage, replayed: false });
  }
  return { outcomes, newUsages, entries, final: bal };
}
