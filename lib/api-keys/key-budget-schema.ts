import { z } from "zod";
import { BUDGET_PERIODS, isValidTimeZone, MAX_BUDGET_CREDITS } from "@/lib/billing/key-budget";

const CREDITS = "credits must be a whole number of credits between 1 and 1000000000000, or null to remove the budget.";

/**
 * Body of `PUT /api/v1/api-keys/{id}/budget` and the API keys page's form: `credits` (integer 1..10^12; null
 * removes the budget), `period` (day | week | month; required with credits), `time_zone` (IANA; default the org's).
 */
export const keyBudgetSchema = z
  .strictObject({
    credits: z.number({ error: CREDITS }).int(CREDITS).min(1, CREDITS).max(MAX_BUDGET_CREDITS, CREDITS).nullable(),
    period: z.enum(BUDGET_PERIODS, { error: "period must be day, week or month." }).optional(),
    time_zone: z
      .string({ error: "time_zone must be an IANA time zone such as UTC or Europe/Berlin." })
      .max(64)
      .refine(isValidTimeZone, "time_zone must be an IANA time zone such as UTC or Europe/Berlin.")
      .optional(),
  })
  .refine((b) => b.credits === null || b.period !== undefined, { path: ["period"], message: "period must be day, week or month." });
export type KeyBudgetInput = z.infer<typeof keyBudgetSchema>;
