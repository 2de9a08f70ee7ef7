/** The plans, as stored in `organizations.plan` (the `plan_id` enum of db/schema is built from this list). */
export const PLAN_IDS = ["free", "starter", "pro"] as const;
export type PlanId = (typeof PLAN_IDS)[number];

/** One subscription plan. Money in integer cents (USD), credits in integers. */
export interface Plan {
  id: PlanId;
  name: string;
  /** subscription price per month, cents */
  monthlyPriceCents: number;
  /** plan credits granted at each billing period */
  monthlyCredits: number;
  /** credits in one pack (the unit of Buy Credits, Top Up Now and auto-recharge) */
  packCredits: number;
  /** price of one pack, cents */
  packPriceCents: number;
  autoRechargeAllowed: boolean;
  /** the plan's ceiling for "max recharges per month" (0 when auto-recharge is not allowed) */
  maxRechargesPerMonthCeiling: number;
  /** the highest threshold (credits) an owner may set */
  thresholdCeiling: number;
  /** Stripe Price lookup key of the subscription (none for Free) */
  priceLookupKey: string | null;
}

export const CURRENCY = "usd";
export const MIN_PACKS = 1;
export const MAX_PACKS = 100;
export const DEFAULT_MAX_RECHARGES_PER_MONTH = 10;
export const DEFAULT_SPENDING_ALERT_PERCENT = 80;

export const PLANS: Readonly<Record<PlanId, Plan>> = {
  free: {
    id: "free",
    name: "Free",
    monthlyPriceCents: 0,
    monthlyCredits: 100,
    packCredits: 100,
    packPriceCents: 2800, // $0.28/credit
    autoRechargeAllowed: false,
    maxRechargesPerMonthCeiling: 0,
    thresholdCeiling: 100,
    priceLookupKey: null,
  },
  starter: {
    id: "starter",
    name: "Starter",
    monthlyPriceCents: 2900,
    monthlyCredits: 2000,
    packCredits: 1000,
    packPriceCents: 2000, // $0.02/credit
    autoRechargeAllowed: true,
    maxRechargesPerMonthCeiling: 31,
    thresholdCeiling: 100_000,
    priceLookupKey: "refill_starter_monthly",
  },
  pro: {
    id: "pro",
    name: "Pro",
    monthlyPriceCents: 9900,
    monthlyCredits: 10_000,
    packCredits: 1000,
    packPriceCents: 1500, // $0.015/credit
    autoRechargeAllowed: true,
    maxRechargesPerMonthCeiling: 100,
    thresholdCeiling: 500_000,
    priceLookupKey: "refill_pro_monthly",
  },
};

export function getPlan(id: PlanId): Plan {
  return PLANS[id];
}

/** The plan whose subscription Price has this lookup key, if any. */
export function planForLookupKey(lookupKey: string | null | undefined): Plan | null {
  if (!lookupKey) return null;
  return Object.values(PLANS).find((p) => p.priceLookupKey === lookupKey) ?? null;
}

/** The price of `packs` packs on `plan`: credits and cents, integers. */
export function quotePacks(plan: Plan, packs: number): { packs: number; credits: number; amountCents: number; currency: string } {
  if (!Number.isSafeInteger(packs) || packs < MIN_PACKS || packs > MAX_PACKS) throw new RangeError(`packs must be an integer in ${MIN_PACKS}..${MAX_PACKS}`);
  return { packs, credits: packs * plan.packCredits, amountCents: packs * plan.packPriceCents, currency: CURRENCY };
}

/** Default threshold: 10% of the plan allotment (at least 1). */
export function defaultThreshold(plan: Plan): number {
  return Math.max(1, Math.floor(plan.monthlyCredits / 10));
}
