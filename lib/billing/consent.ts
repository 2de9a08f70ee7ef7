import { formatCredits, formatMoney } from "./money";
import { maxPacksPerCharge } from "./recharge-amount";

/** Bumped whenever the wording below changes: each recorded consent names the version it was given under. */
export const CONSENT_VERSION = "auto-recharge-consent-v1";

/** The settings that decide what auto-recharge may charge. */
export interface ConsentSettings {
  enabled: boolean;
  /** set when auto-recharge disabled itself: enabling again needs consent again */
  disabledReason?: string | null;
  threshold: number;
  rechargePacks: number;
  rechargeTo: number | null;
  maxRechargesPerMonth: number;
  spendingLimitCents: number | null;
}

export interface ConsentContext {
  packCredits: number;
  packPriceCents: number;
  currency: string;
  /** "Visa •••• 4242" (null: no card yet) */
  cardLabel: string | null;
  /** "Mastercard •••• 4444": tried once when the default card is declined */
  backupCardLabel?: string | null;
}

/** What the owner authorizes: the most one charge and one month may cost. */
interface ConsentTerms {
  perChargeMaxCents: number;
  maxRecharges: number;
  monthlyMaxCents: number;
  /** the spending limit, when it is lower than the monthly maximum (it stops charges earlier) */
  spendingLimitCents: number | null;
}

/** "Visa •••• 4242" from Stripe's card brand and last 4 (null without a card). */
export function cardLabel(brand: string | null | undefined, last4: string | null | undefined): string | null {
  if (!last4) return null;
  const name = brand ? brand.charAt(0).toUpperCase() + brand.slice(1) : "Card";
  return `${name === "Amex" ? "American Express" : name} •••• ${last4}`;
}

function consentTerms(s: ConsentSettings, c: ConsentContext): ConsentTerms {
  const packs = s.rechargeTo === null ? s.rechargePacks : maxPacksPerCharge({ ...s, packCredits: c.packCredits });
  const perChargeMaxCents = packs * c.packPriceCents;
  const monthlyMaxCents = perChargeMaxCents * s.maxRechargesPerMonth;
  const limit = s.spendingLimitCents !== null && s.spendingLimitCents < monthlyMaxCents ? s.spendingLimitCents : null;
  return { perChargeMaxCents, maxRecharges: s.maxRechargesPerMonth, monthlyMaxCents, spendingLimitCents: limit };
}

/**
 * The authorization the owner agrees to, in one paragraph (pure; the form shows it beside the save button,
 * `GET /api/v1/billing/auto-topup` returns it as `consent_text`, and the audit trail stores it as agreed).
 */
export function consentText(s: ConsentSettings, c: ConsentContext): string {
  const t = consentTerms(s, c);
  const money = (cents: number) => formatMoney(cents, c.currency);
  const card = c.cardLabel ?? "your default card";
  const backup = c.backupCardLabel ? ` (or the backup card ${c.backupCardLabel} if it is declined)` : "";
  const when = `when the balance falls below ${formatCredits(s.threshold)} credits`;
  const head =
    s.rechargeTo === null
      ? `Up to ${t.maxRecharges} × ${money(t.perChargeMaxCents)} = ${money(t.monthlyMaxCents)} a month on ${card}${backup}, charged automatically ${when}. A balance far below the threshold is brought back to it in one charge, within that monthly total.`
      : `Up to ${t.maxRecharges} charges of at most ${money(t.perChargeMaxCents)} each = ${money(t.monthlyMaxCents)} a month on ${card}${backup}, charged automatically ${when} to bring it back to ${formatCredits(s.rechargeTo)} credits.`;
  const limit = t.spendingLimitCents !== null ? ` Your spending limit of ${money(t.spendingLimitCents)} a month stops charges earlier.` : "";
  return `${head}${limit}`;
}

export type ConsentReason = "enabling" | "per_charge_raised" | "monthly_cap_raised" | "spending_limit_raised";

/**
 * Does saving `after` over `before` need the owner's consent (pure)? Enabling (or re-enabling after it
 * disabled itself) does; while on, so does raising what may be charged: the amount per charge, the monthly
 * cap (max recharges per month) or the spending limit (removing it raises it). Lowering anything does not,
 * nor does any change while auto-recharge stays off.
 */
export function consentNeeded(before: ConsentSettings, after: ConsentSettings, c: Pick<ConsentContext, "packCredits" | "packPriceCents">): ConsentReason[] {
  if (!after.enabled) return [];
  if (!before.enabled || before.disabledReason) return ["enabling"];
  const ctx = { ...c, currency: "usd", cardLabel: null };
  const a = consentTerms(before, ctx);
  const b = consentTerms(after, ctx);
  const reasons: ConsentReason[] = [];
  if (b.perChargeMaxCents > a.perChargeMaxCents) reasons.push("per_charge_raised");
  if (after.maxRechargesPerMonth > before.maxRechargesPerMonth) reasons.push("monthly_cap_raised");
  const lim = (v: number | null) => (v === null ? Number.POSITIVE_INFINITY : v);
  if (lim(after.spendingLimitCents) > lim(before.spendingLimitCents)) reasons.push("spending_limit_raised");
  return reasons;
}
