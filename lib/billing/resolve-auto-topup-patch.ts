import { fieldErrorsOf } from "@/lib/validation/field-errors";
import { autoRechargeSettingsSchema, type AutoRechargeSettingsInput, type AutoTopupPatch } from "./auto-recharge-schema";
import { getPlan, MAX_PACKS, type PlanId } from "./plans";

/**
 * Applies a REST partial update to the current settings (pure). `amount` (cents) must be a whole number of
 * packs at the plan's rate; the error lists valid amounts. Returns the full new settings or field errors.
 */
export function resolveAutoTopupPatch(
  planId: PlanId,
  current: AutoRechargeSettingsInput,
  patch: AutoTopupPatch,
): { ok: true; settings: AutoRechargeSettingsInput } | { ok: false; fieldErrors: Record<string, string[]> } {
  const plan = getPlan(planId);
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
    maxRechargesPerMonth: patch.max_recharges_per_month ?? current.maxRechargesPerMonth,
    graceEnabled: patch.grace ?? current.graceEnabled,
  };
  const parsed = autoRechargeSettingsSchema(planId).safeParse(merged);
  if (!parsed.success) {
    const errs = fieldErrorsOf(parsed.error);
    const rename: Record<string, string> = { rechargePacks: "recharge_packs", maxRechargesPerMonth: "max_recharges_per_month" };
    const out: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(errs)) out[rename[k] ?? k] = v;
    return { ok: false, fieldErrors: out };
  }
  return { ok: true, settings: parsed.data };
}
