/**
 * What a declined charge says about the card (pure), for the backup card: only a TERMINAL decline — the
 * card cannot pay this charge, retrying it would fail the same way — moves an auto-recharge to the backup
 * card. A transient error (the issuer or network failed; the same card may work in a moment) and
 * `authentication_required` (the owner must verify on-session; another off-session card is not the fix)
 * do not. Codes are Stripe's `code` / `decline_code`.
 */
export type DeclineClass = "terminal" | "transient" | "authentication";

const TRANSIENT: ReadonlySet<string> = new Set([
  "processing_error",
  "try_again_later",
  "issuer_not_available",
  "reenter_transaction",
  "approve_with_id",
  "call_issuer",
  "rate_limit",
  "lock_timeout",
  "api_connection_error",
]);

const AUTHENTICATION: ReadonlySet<string> = new Set(["authentication_required", "authentication_not_handled"]);

export function classifyDecline(code: string | null | undefined, declineCode: string | null | undefined): DeclineClass {
  for (const c of [declineCode, code]) {
    if (!c) continue;
    if (AUTHENTICATION.has(c)) return "authentication";
    if (TRANSIENT.has(c)) return "transient";
  }
  return "terminal"; // card_declined/generic_decline, insufficient_funds, expired_card, incorrect_cvc, lost/stolen, do_not_honor, …
}

/** Whether an auto-recharge declined with these codes is retried once on the backup card (distinct from the declined one). */
export function shouldTryBackupCard(p: {
  trigger: "auto" | "manual";
  code: string | null;
  declineCode: string | null;
  backupPaymentMethodId: string | null;
  chargedPaymentMethodId: string | null;
}): boolean {
  if (p.trigger !== "auto" || !p.backupPaymentMethodId || p.backupPaymentMethodId === p.chargedPaymentMethodId) return false;
  return classifyDecline(p.code, p.declineCode) === "terminal";
}

/**
 * While an auto-recharge may still go to its backup card, a TERMINAL decline of the default card is not
 * the attempt's outcome (the backup card decides): settling — from the webhook of the default card's
 * PaymentIntent, or a search that finds it — leaves the open attempt as it is, and the charge path tries
 * the backup (pure).
 */
export function awaitsBackupCard(
  attempt: { status: string; backupPaymentMethodId: string | null },
  outcome: { kind: string; code?: string | null; declineCode?: string | null; card?: "default" | "backup" },
): boolean {
  if (outcome.kind !== "declined" || outcome.card === "backup" || !attempt.backupPaymentMethodId) return false;
  if (attempt.status !== "pending" && attempt.status !== "processing") return false;
  return classifyDecline(outcome.code, outcome.declineCode) === "terminal";
}
