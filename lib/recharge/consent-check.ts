import { CONSENT_VERSION, consentNeeded, consentText, type ConsentReason, type ConsentSettings } from "@/lib/billing/consent";
import { getPlan, type PlanId } from "@/lib/billing/plans";
import type { Consent } from "./settings";

/** What the caller sent: `consent: true` and, optionally, the text it showed. */
export interface ConsentInput {
  given?: boolean;
  text?: string;
}

export type ConsentCheck =
  | { ok: true; consent: Consent | null; text: string }
  | { ok: false; code: "consent_required" | "consent_mismatch"; message: string; consentText: string; reasons: ConsentReason[] };

const CONSENT_MISMATCH_MESSAGE =
  "The authorization you agreed to no longer matches these settings (they or your card changed meanwhile). Review the new text and confirm again.";

/**
 * Decides a save's consent: none needed → ok; needed and given (with the same text, when one was sent)
 * → ok with the consent to record in the audit trail; needed and not given → `consent_required` with the
 * text to show; given for a different text → `consent_mismatch`.
 */
export function checkConsent(p: {
  planId: PlanId;
  before: ConsentSettings;
  after: ConsentSettings;
  cardLabel: string | null;
  backupCardLabel: string | null;
  input?: ConsentInput;
}): ConsentCheck {
  const plan = getPlan(p.planId);
  const ctx = {
    packCredits: plan.packCredits,
    packPriceCents: plan.packPriceCents,
    currency: "usd",
    cardLabel: p.cardLabel,
    backupCardLabel: p.backupCardLabel,
  };
  const text = consentText(p.after, ctx);
  const reasons = consentNeeded(p.before, p.after, ctx);
  if (reasons.length === 0) return { ok: true, consent: null, text };
  if (!p.input?.given) return { ok: false, code: "consent_required", message: `This change needs your authorization: ${text}`, consentText: text, reasons };
  if (p.input.text !== undefined && p.input.text !== text)
    return { ok: false, code: "consent_mismatch", message: CONSENT_MISMATCH_MESSAGE, consentText: text, reasons };
  return { ok: true, consent: { text, version: CONSENT_VERSION }, text };
}
