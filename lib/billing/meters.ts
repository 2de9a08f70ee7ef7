import type { Plan, PlanId } from "./plans";

/**
 * Meters and rate cards (issue #15) — THE one configuration place for what a credit is, what usage is
 * measured in, and what one unit of each meter costs on each plan. Pure: no DB, no Stripe.
 *
 * A credit is the ledger's integer unit; a deployment labels it with `CREDIT_LABEL` (credits, minutes, USD…).
 * A meter names what is used and its unit; a plan's rate card gives the credits one unit costs, an integer
 * ≥ 1, so `units × rate` is exact: rounding never loses or invents a credit. A deployment that bills in money
 * picks a small credit (e.g. 1 credit = $0.0001, so $0.09/min = 900 credits) and a pack to match.
 */
export const METER_IDS = ["call", "request", "minute.basic", "minute.premium"] as const;
export type MeterId = (typeof METER_IDS)[number];

/** Minute tiers of the voice meters: what a campaign runs on and what a recharge may be chosen for. */
export const MINUTE_TIERS = ["basic", "premium"] as const;
export type MinuteTier = (typeof MINUTE_TIERS)[number];

export interface Meter {
  id: MeterId;
  /** display name, e.g. "Premium minutes" */
  name: string;
  /** one unit, e.g. "minute" */
  unit: string;
  /** several units, e.g. "minutes" */
  unitPlural: string;
  /** the minute tier this meter measures, if it is a voice-minute meter */
  tier: MinuteTier | null;
}

export const METERS: Readonly<Record<MeterId, Meter>> = {
  call: { id: "call", name: "Answered calls", unit: "call", unitPlural: "calls", tier: null },
  request: { id: "request", name: "API requests", unit: "request", unitPlural: "requests", tier: null },
  "minute.basic": { id: "minute.basic", name: "Basic minutes", unit: "minute", unitPlural: "minutes", tier: "basic" },
  "minute.premium": { id: "minute.premium", name: "Premium minutes", unit: "minute", unitPlural: "minutes", tier: "premium" },
};

/** The meter of a usage event that names none: the seed's "1 credit per answered call" keeps working unchanged. */
export const DEFAULT_METER: MeterId = "call";

/** How the ledger's unit is labelled in the UI, emails and docs. */
export const CREDIT_LABEL = { singular: "credit", plural: "credits" } as const;

/** Credits per unit of each meter, integers ≥ 1. */
export type RateCard = Readonly<Record<MeterId, number>>;

/**
 * Rate cards per plan. At Starter's $0.02 a credit: Basic 5 credits ($0.10/min), Premium 8 ($0.16/min);
 * at Pro's $0.015: Basic 6 ($0.09/min), Premium 11 ($0.165/min). A call or a request is 1 credit everywhere.
 */
export const RATE_CARDS: Readonly<Record<PlanId, RateCard>> = {
  free: { call: 1, request: 1, "minute.basic": 1, "minute.premium": 2 },
  starter: { call: 1, request: 1, "minute.basic": 5, "minute.premium": 8 },
  pro: { call: 1, request: 1, "minute.basic": 6, "minute.premium": 11 },
};

export function isMeterId(value: unknown): value is MeterId {
  return typeof value === "string" && (METER_IDS as readonly string[]).includes(value);
}

/** The meter of a minute tier: "basic" → "minute.basic". */
export function tierMeter(tier: MinuteTier): MeterId {
  return `minute.${tier}`;
}

/** Credits one unit of `meter` costs on `plan`. */
export function rateFor(plan: Pick<Plan, "id">, meter: MeterId): number {
  return RATE_CARDS[plan.id][meter];
}

/**
 * Credits debited for `units` of `meter` on `plan`: `units × rate`, exact.
 * `units`: integer ≥ 1. Throws RangeError when the product is not a safe integer.
 */
export function creditsFor(plan: Pick<Plan, "id">, meter: MeterId, units: number): number {
  if (!Number.isSafeInteger(units) || units < 1) throw new RangeError("units must be an integer ≥ 1");
  const credits = units * rateFor(plan, meter);
  if (!Number.isSafeInteger(credits)) throw new RangeError("credits out of range");
  return credits;
}

/** Whole units of `meter` that `credits` buy on `plan` (never more than they pay for). */
export function unitsFor(plan: Pick<Plan, "id">, meter: MeterId, credits: number): number {
  if (!Number.isSafeInteger(credits) || credits <= 0) return 0;
  return Math.floor(credits / rateFor(plan, meter));
}

/**
 * Cents that buy `credits` at the plan's pack price, rounded up to the cent (the money side of an estimate:
 * "≈ $12.40"; the charge itself is always whole packs or exact credits priced by the charge path).
 */
export function centsForCredits(plan: Pick<Plan, "packCredits" | "packPriceCents">, credits: number): number {
  if (!Number.isSafeInteger(credits) || credits <= 0) return 0;
  return Math.ceil((credits * plan.packPriceCents) / plan.packCredits);
}

/** The rate of `meter` when every plan's card gives it the same one (e.g. a call: 1 credit), else null. */
export function uniformRate(meter: MeterId): number | null {
  return UNIFORM_RATES.get(meter) ?? null;
}

/** `uniformRate` of every meter, computed once (it is asked twice per usage event). */
const UNIFORM_RATES = new Map(
  METER_IDS.flatMap((meter) => {
    const rates = new Set(Object.values(RATE_CARDS).map((card) => card[meter]));
    return rates.size === 1 ? [[meter, [...rates][0]!] as const] : [];
  }),
);

/** How far a usage event's `timestamp` may lie from now: up to 24 h in the past, 5 min ahead (clock skew). */
const USAGE_TIME_WINDOW = { pastMs: 24 * 3_600_000, futureMs: 5 * 60_000 } as const;

/** Whether a usage event that occurred at `at` may be reported at `now`. */
export function isWithinUsageWindow(at: Date, now: Date): boolean {
  const d = at.getTime() - now.getTime();
  return Number.isFinite(d) && d >= -USAGE_TIME_WINDOW.pastMs && d <= USAGE_TIME_WINDOW.futureMs;
}

/** "call, request, minute.basic, minute.premium" — the meters, for an error that lists them. */
export function meterList(): string {
  return METER_IDS.join(", ");
}

/**
 * What `credits` buy of each minute tier on `plan`, whole minutes, Premium first: "≈ 312 Premium or 500 Basic
 * minutes" (the Buy Credits dialog and the auto-recharge form). Empty for no credits.
 */
export function minutesBoughtText(plan: Pick<Plan, "id">, credits: number): string {
  if (!Number.isSafeInteger(credits) || credits <= 0) return "";
  const n = new Intl.NumberFormat("en-US");
  const tiers = [...MINUTE_TIERS].reverse().map((tier) => `${n.format(unitsFor(plan, tierMeter(tier), credits))} ${tier === "premium" ? "Premium" : "Basic"}`);
  return `≈ ${tiers.join(" or ")} minutes`;
}
