import { fieldErrorsOf } from "@/lib/validation/field-errors";
import { autoRechargeSettingsSchema, type AutoRechargeSettingsInput, type AutoTopupPatch } from "./auto-recharge-schema";
import { getPlan, MAX_PACKS, type PlanId } from "./plans";

/**
 * Applies a REST partial update to the current settings (pure). `amount` (cents) must be a whole number of
 * packs at the plan's rate; the error lists valid amounts. `recharge_to` (target mode, credits) excludes
 * `amount` / `recharge_packs` and must be above the threshold. Returns the full new settings or field errors.
 */
export function resolveAutoTopupPatch(
  planId: PlanId,
  current: AutoRechargeSettingsInput,
  patch: AutoTopupPatch,
): { ok: true; settings: AutoRechargeSettingsInput } | { ok: false; fieldErrors: Record<string, string[]> } {
  const plan = getPlan(planId);
  if (patch.recharge_to !== undefined && patch.recharge_to !== null && (patch.amount !== undefined || patch.recharge_packs !== undefined))
    return {
      ok: false,
      fieldErrors: { recharge_to: ["recharge_to cannot be combined with amount or recharge_packs: choose a fixed amount or a target balance"] },
    };
  let packs = patch.recharge_packs;
  if (patch.amount !== undefined) {
    const price = plan.packPriceCents;
    const n = patch.amount / price;
    if (!Number.isInteger(n) || n < 1 || n > MAX_PACKS) {
      const examples = [1, 2, 3, 5, 10].map((k) => k * price).join(", ");
      return {
        ok: false,
        fieldErrors: { amount: [`amount must be a whole number of packs of ${price} cents (1 to ${MAX_PACKS} packs), e.g. ${examples}`] },
      };
    }
    if (packs !== undefined && packs !== n) return { ok: false, fieldErrors: { amount: ["amount and recharge_packs disagree"] } };
    packs = n;
  }
  const merged = {
    enabled: patch.enabled ?? current.enabled,
    threshold: patch.threshold ?? current.threshold,
    rechargePacks: packs ?? current.rechargePacks,
    // a fixed amount switches to fixed mode; recharge_to (credits) to target mode; neither keeps the mode
    rechargeTo: patch.recharge_to !== undefined ? patch.recharge_to : packs !== undefined ? null : (current.rechargeTo ?? null),
    maxRechargesPerMonth: patch.max_recharges_per_month ?? current.maxRechargesPerMonth,
    graceEnabled: patch.grace ?? current.graceEnabled,
  };
  const parsed = autoRechargeSettingsSchema(planId).safeParse(merged);
  if (!parsed.success) {
    const errs = fieldErrorsOf(parsed.error);
    const rename: Record<string, string> = { rechargePacks: "recharge_packs", maxRechargesPerMonth: "max_recharges_per_month", rechargeTo: "recharge_to" };
    const out: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(errs)) out[rename[k] ?? k] = v;
    return { ok: false, fieldErrors: out };
  }
  return { ok: true, settings: parsed.data };
}
