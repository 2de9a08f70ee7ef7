import type Stripe from "stripe";

/** What Stripe said about an attempt's PaymentIntent, normalized. */
export type AttemptOutcome =
  | { kind: "succeeded"; paymentIntentId: string }
  | { kind: "declined"; paymentIntentId: string | null; code: string | null; declineCode: string | null }
  | { kind: "requires_action"; paymentIntentId: string | null }
  | { kind: "internal_error"; paymentIntentId: string | null }
  | { kind: "no_payment_method" }
  | { kind: "canceled"; paymentIntentId: string }
  | { kind: "in_flight"; paymentIntentId: string };

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
      return { kind: "declined", paymentIntentId: pi.id, code: err.code ?? null, declineCode: err.decline_code ?? null };
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
  payment_intent?: { id: string } | null;
  raw?: { payment_intent?: { id: string } };
}

/** A Stripe SDK error → outcome, or `null` when it is transient (5xx, network, 409, 429: try again, same key). */
export function outcomeFromStripeError(err: unknown): AttemptOutcome | null {
  const e = err as StripeLikeError;
  const piId = e.payment_intent?.id ?? e.raw?.payment_intent?.id ?? null;
  if (e.type === "StripeCardError" || e.type === "card_error") {
    if (e.code === "authentication_required") return { kind: "requires_action", paymentIntentId: piId };
    return { kind: "declined", paymentIntentId: piId, code: e.code ?? null, declineCode: e.decline_code ?? null };
  }
  if (e.type === "StripeInvalidRequestError" || e.type === "invalid_request_error") {
    if (e.statusCode === 409) return null;
    return { kind: "internal_error", paymentIntentId: piId };
  }
  if (e.type === "StripeAuthenticationError" || e.type === "StripePermissionError") return { kind: "internal_error", paymentIntentId: piId };
  return null; // StripeAPIError (5xx), StripeConnectionError, StripeRateLimitError, StripeIdempotencyError in flight, timeouts
}
