import type { z } from "zod";
import type { PlanId } from "@/db/schema";
import { autoRechargeSettingsSchema, spendingLimitSchema } from "@/lib/billing/auto-recharge-schema";

/**
 * The Auto-Recharge form: the plan's settings schema plus the optional monthly spending limit.
 * The same schema is the react-hook-form resolver and what the server action parses.
 */
export function autoRechargeFormSchema(planId: PlanId) {
  return autoRechargeSettingsSchema(planId).extend({
    monthlyLimitCents: spendingLimitSchema.shape.monthlyLimitCents,
    spendingAlertPercent: spendingLimitSchema.shape.alertPercent.unwrap(),
  });
}
export type AutoRechargeFormInput = z.infer<ReturnType<typeof autoRechargeFormSchema>>;

export { buyPacksSchema } from "@/lib/billing/auto-recharge-schema";
