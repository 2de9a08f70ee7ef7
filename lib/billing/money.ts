import type { PlanId } from "./plans";
import type { Plan } from "./plans";

const formatters = new Map<string, Intl.NumberFormat>();

function formatter(currency: string, maxFraction = 2): Intl.NumberFormat {
  const key = `${currency}:${maxFraction}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat("en-US", { style: "currency", currency: currency.toUpperCase(), minimumFractionDigits: 2, maximumFractionDigits: maxFraction });
    formatters.set(key, f);
  }
  return f;
}

/** 2000, "usd" → "$20.00". Integer minor units in, display string out. */
export function formatMoney(amountCents: number, currency = "usd"): string {
  return formatter(currency).format(amountCents / 100);
}

/** "2,000" */
export function formatCredits(credits: number): string {
  return new Intl.NumberFormat("en-US").format(credits);
}

/** The plan's per-credit rate for display only, e.g. "$0.28" or "$0.015" (never used in arithmetic). */
export function formatPerCreditRate(plan: Plan): string {
  return formatter("usd", 4).format(plan.packPriceCents / plan.packCredits / 100);
}

/** "$20.00 per 1,000 credits" */
export function formatPackPrice(plan: Plan): string {
  return `${formatMoney(plan.packPriceCents)} per ${formatCredits(plan.packCredits)} credits`;
}

/** Pricing facts of the org's plan, serialisable for client islands. */
export interface PackPricing {
  planName: string;
  /** the plan, for what an amount buys per meter (lib/billing/meters); absent: no estimate shown */
  planId?: PlanId;
  packCredits: number;
  packPriceCents: number;
  currency: string;
  /** e.g. "$0.02" (display only) */
  perCreditRate: string;
  /** e.g. "$20.00 per 1,000 credits" */
  packPriceLabel: string;
}
