import { z } from "zod";
import { getPlan, MAX_PACKS, MIN_PACKS, type PlanId } from "./plans";

/**
 * Validation shared by the server action, the REST API and the react-hook-form resolver.
 * Limits depend on the plan, so the schemas are built per plan.
 */
const int = (what: string) => z.number({ error: `${what} must be a number` }).int(`${what} must be a whole number`);

function packsSchema() {
  return int("Packs").min(MIN_PACKS, `Choose at least ${MIN_PACKS} pack`).max(MAX_PACKS, `Choose at most ${MAX_PACKS} packs`);
}

function thresholdSchema(planId: PlanId) {
  const max = Math.max(1, getPlan(planId).thresholdCeiling);
  return int("Threshold")
    .min(1, "Threshold must be at least 1 credit")
    .max(max, `Threshold can be at most ${max.toLocaleString("en-US")} credits on this plan`);
}

function maxRechargesSchema(planId: PlanId) {
  const max = Math.max(1, getPlan(planId).maxRechargesPerMonthCeiling);
  return int("Max recharges per month").min(1, "Allow at least 1 recharge per month").max(max, `At most ${max} recharges per month on this plan`);
}

/** Target mode: at most what 100 packs bring an empty balance to. */
function rechargeToMax(planId: PlanId): number {
  return MAX_PACKS * getPlan(planId).packCredits;
}

function rechargeToSchema(planId: PlanId) {
  const max = rechargeToMax(planId);
  return int("Recharge to")
    .min(2, "Recharge to must be at least 2 credits")
    .max(max, `Recharge to can be at most ${max.toLocaleString("en-US")} credits (${MAX_PACKS} packs) on this plan`)
    .nullable();
}

/** The rule of target mode, in the words the form and the API answer with. */
function rechargeToRule(threshold: number): string {
  return `Recharge to must be above the threshold (${threshold.toLocaleString("en-US")} credits): each recharge brings the balance back above it`;
}

function settingsShape(planId: PlanId) {
  return {
    enabled: z.boolean({ error: "enabled must be true or false" }),
    threshold: thresholdSchema(planId),
    rechargePacks: packsSchema(),
    /** target mode: recharge to at least this many credits (null: fixed amount; absent: unchanged) */
    rechargeTo: rechargeToSchema(planId).optional(),
    maxRechargesPerMonth: maxRechargesSchema(planId),
    /** grace while a recharge is in flight (absent: unchanged) */
    graceEnabled: z.boolean({ error: "grace must be true or false" }).optional(),
  };
}

const targetAboveThreshold = (v: { threshold: number; rechargeTo?: number | null }, ctx: z.RefinementCtx) => {
  if (v.rechargeTo !== undefined && v.rechargeTo !== null && Number.isInteger(v.threshold) && v.rechargeTo <= v.threshold)
    ctx.addIssue({ code: "custom", path: ["rechargeTo"], message: rechargeToRule(v.threshold) });
};

/** The Auto-recharge settings (server action + REST, after the patch is merged). */
export function autoRechargeSettingsSchema(planId: PlanId) {
  return z.object(settingsShape(planId)).superRefine(targetAboveThreshold);
}
export type AutoRechargeSettingsInput = z.infer<ReturnType<typeof autoRechargeSettingsSchema>>;

/** Monthly spending limit on auto-recharge: cents (≥ $1.00) or null for none; alert at 1..100 %. */
export const spendingLimitSchema = z.object({
  monthlyLimitCents: int("Monthly limit").min(100, "The monthly limit must be at least $1.00").max(100_000_000, "The monthly limit is too large").nullable(),
  alertPercent: int("Alert threshold")
    .min(1, "The alert threshold must be between 1% and 100%")
    .max(100, "The alert threshold must be between 1% and 100%")
    .default(80),
});
export type SpendingLimitInput = z.infer<typeof spendingLimitSchema>;

/**
 * The Billing page's Auto-Recharge form: the plan's settings schema plus the optional monthly spending
 * limit. The same schema is the react-hook-form resolver and what the server action parses.
 */
export function autoRechargeFormSchema(planId: PlanId) {
  return z
    .object({
      ...settingsShape(planId),
      monthlyLimitCents: spendingLimitSchema.shape.monthlyLimitCents,
      spendingAlertPercent: spendingLimitSchema.shape.alertPercent.unwrap(),
      ...consentShape,
    })
    .superRefine(targetAboveThreshold);
}

/** The owner's consent sent with a change: `consent: true` and, optionally, the text shown (a stale one is refused). */
const consentShape = {
  consent: z.boolean({ error: "consent must be true or false" }).optional(),
  consentText: z.string({ error: "consent_text must be text" }).max(2000, "consent_text is too long").optional(),
};
export type AutoRechargeFormInput = z.infer<ReturnType<typeof autoRechargeFormSchema>>;

/** Buy Credits / Top Up Now: a number of packs. */
export const buyPacksSchema = z.object({ packs: packsSchema() });

/** REST: POST /api/v1/billing/auto-topup — a partial update in the API's field names. */
export const autoTopupPatchSchema = z.object({
  enabled: z.boolean({ error: "enabled must be true or false" }).optional(),
  threshold: int("threshold").min(1, "threshold must be at least 1").optional(),
  amount: int("amount").min(1, "amount must be a positive number of cents").optional(),
  recharge_packs: int("recharge_packs")
    .min(MIN_PACKS, `recharge_packs must be between ${MIN_PACKS} and ${MAX_PACKS}`)
    .max(MAX_PACKS, `recharge_packs must be between ${MIN_PACKS} and ${MAX_PACKS}`)
    .optional(),
  max_recharges_per_month: int("max_recharges_per_month").min(1, "max_recharges_per_month must be at least 1").optional(),
  grace: z.boolean({ error: "grace must be true or false" }).optional(),
  /** one of the customer's saved cards (pm_…), tried once when the default card is declined; null removes it */
  backup_payment_method: z
    .string({ error: "backup_payment_method must be a payment method id" })
    .regex(/^pm_[A-Za-z0-9_]{1,200}$/, "backup_payment_method must be a payment method id (pm_…)")
    .nullable()
    .optional(),
  /** target mode, in credits; null switches back to the fixed amount */
  recharge_to: int("recharge_to").min(1, "recharge_to must be a positive number of credits").nullable().optional(),
  consent: z.boolean({ error: "consent must be true or false" }).optional(),
  consent_text: z.string({ error: "consent_text must be text" }).max(2000, "consent_text is too long").optional(),
});
export type AutoTopupPatch = z.infer<typeof autoTopupPatchSchema>;

/** REST: POST /api/v1/billing/spending-limit */
export const spendingLimitApiSchema = z.object({
  monthly_limit: int("monthly_limit").min(100, "monthly_limit must be at least 100 cents").max(100_000_000, "monthly_limit is too large").nullable(),
  alert_threshold: z
    .number({ error: "alert_threshold must be a number" })
    .gt(0, "alert_threshold must be between 0 and 1")
    .max(1, "alert_threshold must be between 0 and 1")
    .optional(),
  consent: z.boolean({ error: "consent must be true or false" }).optional(),
  consent_text: z.string({ error: "consent_text must be text" }).max(2000, "consent_text is too long").optional(),
});
export type SpendingLimitApiInput = z.infer<typeof spendingLimitApiSchema>;
