import type { ActionResult } from "@/lib/actions/action-result";

/** What every billing server action returns (the app-wide action result). */
export type BillingActionResult<T = object> = ActionResult<T>;

export const OWNER_ONLY_AUTO_RECHARGE = "Only the organization owner can manage auto-recharge.";
export const OWNER_ONLY_BUY = "Only the organization owner can buy credits.";
export const OWNER_ONLY_PAYMENT = "Only the organization owner can manage the payment method and plan.";

/** Pricing facts of the org's plan, serialisable for client islands. */
export interface PackPricing {
  planName: string;
  packCredits: number;
  packPriceCents: number;
  currency: string;
  /** e.g. "$0.02" (display only) */
  perCreditRate: string;
  /** e.g. "$20.00 per 1,000 credits" */
  packPriceLabel: string;
}

export function firstError(v: string[] | string | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
