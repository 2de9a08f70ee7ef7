import type Stripe from "stripe";
import type { SettlementOutcome } from "@/lib/billing/settlement";

/** What Stripe said about an attempt's PaymentIntent, normalized (see `lib/billing/settlement.ts`). */
export type AttemptOutcome = SettlementOutcome;

/** `metadata.card` of a recharge PaymentIntent: "backup" when it charged the backup card. */
function cardOf(metadata: Record<string, string> | null | undefined): { card?: "backup" } {
  return metadata?.card === "backup" ? { card: "backup" } : {};
}

export function outcomeFromPaymentIntent(pi: Stripe.PaymentIntent): AttemptOutcome {
  switch (pi.status) {
    case "succeeded":
      return { kind: "succeeded", paymentIntentId: pi.id };
    case "requires_action":
      return { kind: "requires_action", paymentIntentId: pi.id };
    case "canceled":
      return { kind: "canceled", paymentIntentId: pi.id };
    case "requires_payment_method": {
      const err = pi.last_payment_error;
      if (err?.code === "authentication_required") return { kind: "requires_action", paymentIntentId: pi.id };
      if (!err) return { kind: "in_flight", paymentIntentId: pi.id };
      return { kind: "declined", paymentIntentId: pi.id, code: err.code ?? null, declineCode: err.decline_code ?? null, ...cardOf(pi.metadata) };
    }
    default: // processing, requires_confirmation, requires_capture
      return { kind: "in_flight", paymentIntentId: pi.id };
  }
}

interface StripeLikeError {
  type?: string;
  code?: string;
  decline_code?: string;
  statusCode?: number;
  message?: string;
  payment_intent?: { id: string; metadata?: Record<string, string> } | null;
  raw?: { payment_intent?: { id: string; metadata?: Record<string, string> } };
}

/**
 * A Stripe SDK error → a KNOWN outcome, or `null` when the error says nothing trustworthy about what
 * happened at Stripe (5xx, timeout, connection reset, 409 in flight, 429, idempotency mismatch): retry
 * with the same key; after the last retry the outcome is `unknown` and the attempt stays open.
 * Known: a card error (declined / authentication required), and a request Stripe refused outright
 * (400/404 invalid request, 401/403) — nothing was charged, so `internal_error` is the truth.
 */
export function outcomeFromStripeError(err: unknown): AttemptOutcome | null {
  const e = err as StripeLikeError;
  const piId = e.payment_intent?.id ?? e.raw?.payment_intent?.id ?? null;
  if (e.type === "StripeCardError" || e.type === "card_error") {
    if (e.code === "authentication_required") return { kind: "requires_action", paymentIntentId: piId };
    return {
      kind: "declined",
      paymentIntentId: piId,
      code: e.code ?? null,
      declineCode: e.decline_code ?? null,
      ...cardOf(e.payment_intent?.metadata ?? e.raw?.payment_intent?.metadata),
    };
  }
  if (e.type === "StripeInvalidRequestError" || e.type === "invalid_request_error") {
    if (e.statusCode === 409 || (e.statusCode ?? 0) >= 500) return null;
    return { kind: "internal_error", paymentIntentId: piId };
  }
  if (e.type === "StripeAuthenticationError" || e.type === "StripePermissionError") return { kind: "internal_error", paymentIntentId: piId };
  return null; // StripeAPIError (5xx), StripeConnectionError, StripeRateLimitError, StripeIdempotencyError, timeouts
}

/** One line for `recharge_attempts.last_error` and logs: type, HTTP status, message. */
export function describeStripeError(err: unknown): string {
  const e = err as StripeLikeError;
  const parts = [e.type ?? (err instanceof Error ? err.name : "Error"), e.statusCode ? String(e.statusCode) : null, e.message ?? String(err)];
  return parts.filter(Boolean).join(" ").slice(0, 500);
}
