import { consentNeeded, consentText, type ConsentContext, type ConsentReason, type ConsentSettings } from "./consent";
import { formatCredits, formatMoney } from "./money";
import { planRechargeAmount } from "./recharge-amount";

export interface PreviewFacts extends ConsentContext {
  /** what usage may take now */
  balance: number;
  spendThisMonthCents: number;
  rechargesThisMonth: number;
}

export interface SettingsPreview {
  /** what saving these settings would charge now (null: nothing now) */
  chargeNow: { packs: number; credits: number; amountCents: number; balanceAfter: number } | null;
  /** one sentence for the form */
  sentence: string;
  /** why the change needs the owner's authorization (empty: none) */
  consentReasons: ConsentReason[];
  consentText: string;
}

/**
 * The form's pre-save preview (pure): the charge the new settings would make now (gap-closing, target,
 * limits — the trigger's own rule), and the consent the change needs, against the saved settings.
 */
export function previewSettings(saved: ConsentSettings, next: ConsentSettings, f: PreviewFacts): SettingsPreview {
  const consentReasons = consentNeeded(saved, next, f);
  const text = consentText(next, f);
  const base = { consentReasons, consentText: text };
  const money = (c: number) => formatMoney(c, f.currency);
  if (!next.enabled) return { ...base, chargeNow: null, sentence: "Auto-recharge is off: nothing will be charged." };
  if (f.balance >= next.threshold)
    return { ...base, chargeNow: null, sentence: `No charge now: your balance (${formatCredits(f.balance)} credits) is not below the threshold.` };
  const amount = planRechargeAmount({
    rechargePacks: next.rechargePacks,
    rechargeTo: next.rechargeTo,
    threshold: next.threshold,
    balance: f.balance,
    packCredits: f.packCredits,
    packPriceCents: f.packPriceCents,
    spendLeftCents: next.spendingLimitCents === null ? null : next.spendingLimitCents - f.spendThisMonthCents,
    consentedLeftCents: next.maxRechargesPerMonth * next.rechargePacks * f.packPriceCents - f.spendThisMonthCents,
  });
  if (!amount.ok || f.rechargesThisMonth >= next.maxRechargesPerMonth)
    return { ...base, chargeNow: null, sentence: "No charge now: this month's limit is reached, so auto-recharge stays paused until next month." };
  const credits = amount.packs * f.packCredits;
  const chargeNow = { packs: amount.packs, credits, amountCents: amount.packs * f.packPriceCents, balanceAfter: f.balance + credits };
  const why =
    amount.limitedBy === "spending_limit" ? " (as much as the spending limit leaves)" : amount.basis === "gap" ? " (one charge to close the gap)" : "";
  return {
    ...base,
    chargeNow,
    sentence: `Saving charges ${money(chargeNow.amountCents)} now for ${formatCredits(credits)} credits${why}: balance ${formatCredits(f.balance)} → ${formatCredits(chargeNow.balanceAfter)}.`,
  };
}
