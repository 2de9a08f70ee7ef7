import { z } from "zod";
import { MINUTE_TIERS } from "@/lib/billing/meters";
import { isPlainText } from "@/lib/validation/safe-text";

/**
 * `POST /api/v1/campaigns` `{name, tier, external_id?, min_balance?}`. `min_balance` (credits, integer ≥ 1)
 * defaults to the cost of one minute of the tier on the org's plan. Pure (safe in client bundles).
 */
const MAX_MIN_BALANCE = 1_000_000_000;

export const createCampaignSchema = z.object({
  name: z
    .string({ error: "name is required (a string)." })
    .trim()
    .min(1, "name is required.")
    .max(200, "name must be at most 200 characters.")
    .refine(isPlainText, "name must be plain text (no control characters)."),
  tier: z.enum(MINUTE_TIERS, { error: `tier must be one of ${MINUTE_TIERS.join(", ")}.` }),
  external_id: z
    .string({ error: "external_id must be a string." })
    .min(1, "external_id must not be empty.")
    .max(200, "external_id must be at most 200 characters.")
    .refine(isPlainText, "external_id must be plain text (no control characters).")
    .nullish(),
  min_balance: z
    .number({ error: "min_balance must be an integer (credits)." })
    .int("min_balance must be an integer (credits).")
    .min(1, "min_balance must be at least 1 credit.")
    .max(MAX_MIN_BALANCE, `min_balance must be at most ${MAX_MIN_BALANCE} credits.`)
    .nullish(),
});
export type CreateCampaignInput = z.infer<typeof createCampaignSchema>;
