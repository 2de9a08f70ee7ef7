import { z } from "zod";
import { monthWindow } from "./cap-window";
import { centsForCredits, rateFor, tierMeter } from "./meters";
import { CURRENCY, type Plan } from "./plans";

/**
 * An agency's monthly auto allocation for a sub-account (issue #15): Basic and Premium minutes bought every
 * month, off-session on the agency's card, credited to the sub-account. Pure: no DB, no Stripe.
 */

/** The most minutes of one tier an allocation may buy a month (keeps credits and cents far inside int4). */
export const MAX_ALLOCATION_MINUTES = 100_000;

const minutes = z.coerce
  .number({ error: "Enter a whole number of minutes." })
  .int("Enter a whole number of minutes.")
  .min(0, "Minutes cannot be negative.")
  .max(MAX_ALLOCATION_MINUTES, `At most ${MAX_ALLOCATION_MINUTES.toLocaleString("en-US")} minutes a month.`);

/** The form and the server action parse the same schema. */
export const allocationSchema = z.object({
  subAccountId: z.string().uuid("Unknown sub-account."),
  basicMinutes: minutes,
  premiumMinutes: minutes,
});
export type AllocationInput = z.infer<typeof allocationSchema>;

export interface AllocationEstimate {
  credits: number;
  amountCents: number;
  currency: string;
  /** packs the charge is recorded as (the attempt row's unit): the credits rounded up to whole packs, ≥ 1 */
  packs: number;
}

/**
 * The monthly charge at the sub-account's plan's current rates: credits = basic × rate(basic) + premium ×
 * rate(premium); money = centsForCredits on that plan. Zero minutes → zero (nothing is bought).
 */
export function estimateAllocation(plan: Plan, a: { basicMinutes: number; premiumMinutes: number }): AllocationEstimate {
  for (const m of [a.basicMinutes, a.premiumMinutes])
    if (!Number.isSafeInteger(m) || m < 0 || m > MAX_ALLOCATION_MINUTES) throw new RangeError("minutes out of range");
  const credits = a.basicMinutes * rateFor(plan, tierMeter("basic")) + a.premiumMinutes * rateFor(plan, tierMeter("premium"));
  return { credits, amountCents: centsForCredits(plan, credits), currency: CURRENCY, packs: Math.max(1, Math.ceil(credits / plan.packCredits)) };
}

/** The allocation period of `now`: the calendar month ("YYYY-MM") in the sub-account's time zone (invalid → UTC). */
export function allocationPeriod(now: Date, timeZone: string): string {
  return monthWindow(now, timeZone).key;
}

/** The ledger key of a period's credit: one credit per sub-account per month, whatever settles it. */
export function allocationCreditKey(subAccountId: string, period: string): string {
  return `allocation:${subAccountId}:${period}`;
}

export const OWNER_ONLY_ALLOCATION = "Only the agency's owner can manage a sub-account's auto allocation.";

/** What "Retry now" may do with a period whose last attempt is `a` (pure; the caller holds the period row's lock). */
export function retryableAllocation(
  a: { status: string; failureCode: string | null; paymentIntentId: string | null; stripeSearchedAt: Date | null; createdAt: Date } | null,
  now: Date,
): "retry" | "already_paid" | "in_progress" | "nothing_to_retry" {
  if (!a) return "nothing_to_retry";
  if (a.status === "succeeded") return "already_paid";
  if (a.status !== "failed" && a.status !== "canceled") return "in_progress";
  // failed on a guess, not yet searched at Stripe (reconciliation may still find it paid): a retry could charge twice
  const guessed = a.failureCode === "internal_error" && !a.paymentIntentId && !a.stripeSearchedAt && now.getTime() - a.createdAt.getTime() < 24 * 3600_000;
  return guessed ? "in_progress" : "retry";
}

/** The owner-facing refusals of "Retry now" (lib/agencies/retry-allocation.ts codes). */
export const RETRY_ALLOCATION_MESSAGES = {
  not_found: "This sub-account is not one of this agency's.",
  nothing_to_retry: "This month's allocation has not been charged yet.",
  already_paid: "This month's allocation is already paid.",
  in_progress: "A retry is already in progress.",
  no_card: "The agency has no card on file: add one on the Billing page, then retry.",
} as const;
