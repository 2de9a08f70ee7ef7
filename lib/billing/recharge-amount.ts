import { MAX_PACKS } from "./plans";

/** Fixed: `recharge_packs` per recharge. Target: whole packs up to at least `recharge_to` credits. */
export type AmountMode = "fixed" | "target";

export interface RechargeAmountInput {
  /** fixed mode: packs per recharge (also the least a fixed recharge charges) */
  rechargePacks: number;
  /** target mode when set: recharge to at least this many credits */
  rechargeTo: number | null;
  threshold: number;
  /** what usage may take now (total − held): the gap is measured from here, and may be negative */
  balance: number;
  packCredits: number;
  packPriceCents: number;
  /** cents the monthly spending limit still allows (null: no limit) */
  spendLeftCents: number | null;
  /** fixed mode: cents the consented monthly maximum (max recharges × amount) still allows */
  consentedLeftCents: number | null;
}

export type RechargeAmount =
  | {
      ok: true;
      packs: number;
      /** fixed: the set amount; gap: more packs, to bring a balance far below the threshold back to it in ONE charge; target: packs to the target */
      basis: "fixed" | "gap" | "target";
      /** what held the charge below the packs the gap needed (null: nothing) */
      limitedBy: "spending_limit" | "monthly_max" | "per_charge" | null;
    }
  | { ok: false; reason: "paused_spending_limit" | "paused_monthly_cap" };

export const amountMode = (rechargeTo: number | null): AmountMode => (rechargeTo === null ? "fixed" : "target");

/** Whole packs that bring `balance` to at least `goal` (≥ 1). */
function packsToReach(balance: number, goal: number, packCredits: number): number {
  return Math.max(1, Math.ceil((goal - balance) / packCredits));
}

/** The most packs one charge may have: 100, and in target mode what refills an empty balance to the target (the consent's per-charge maximum). */
export function maxPacksPerCharge(p: Pick<RechargeAmountInput, "rechargePacks" | "rechargeTo" | "packCredits">): number {
  if (p.rechargeTo === null) return MAX_PACKS;
  return Math.min(MAX_PACKS, packsToReach(0, p.rechargeTo, p.packCredits));
}

/**
 * How many packs the recharge due now charges (pure). Fixed mode: the set packs, or — when they would
 * leave the balance below the threshold (after a plan reset, a large call, a failed recharge) — the
 * packs that bring it back to the threshold in one charge instead of a burst of recharges. Target mode:
 * the packs that bring the balance to the target. Either way never more than the spending limit leaves
 * (fewer packs), than the consented monthly total leaves (fixed mode), nor the per-charge maximum; when
 * not even the least charge fits (fixed: the set packs; target: one pack) the recharge is paused.
 */
export function planRechargeAmount(p: RechargeAmountInput): RechargeAmount {
  const target = p.rechargeTo !== null;
  const least = target ? 1 : p.rechargePacks;
  const wanted = target
    ? packsToReach(p.balance, p.rechargeTo!, p.packCredits)
    : Math.max(p.rechargePacks, packsToReach(p.balance, p.threshold, p.packCredits));
  const limits: [number, "spending_limit" | "monthly_max" | "per_charge"][] = [[maxPacksPerCharge(p), "per_charge"]];
  if (p.consentedLeftCents !== null && !target) limits.push([Math.floor(p.consentedLeftCents / p.packPriceCents), "monthly_max"]);
  if (p.spendLeftCents !== null) limits.push([Math.floor(p.spendLeftCents / p.packPriceCents), "spending_limit"]);
  let packs = wanted;
  let limitedBy: "spending_limit" | "monthly_max" | "per_charge" | null = null;
  for (const [max, why] of limits)
    if (max < packs) {
      packs = max;
      limitedBy = why;
    }
  if (packs < least) return { ok: false, reason: limitedBy === "spending_limit" ? "paused_spending_limit" : "paused_monthly_cap" };
  return { ok: true, packs, basis: target ? "target" : packs > p.rechargePacks ? "gap" : "fixed", limitedBy };
}
