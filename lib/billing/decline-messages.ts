/** A message the owner can act on for Stripe's error `code` / `decline_code` (never Stripe's raw text). */
export function declineMessage(code: string | null | undefined, declineCode: string | null | undefined): string {
  const c = declineCode ?? code ?? "";
  switch (c) {
    case "insufficient_funds":
      return "Your card was declined: insufficient funds. Add funds to the card or update your payment method.";
    case "lost_card":
    case "stolen_card":
    case "pickup_card":
    case "restricted_card":
    case "fraudulent":
      return "Your card was declined (it was reported lost, stolen or restricted). Please update your payment method.";
    case "expired_card":
      return "Your card has expired. Please update your payment method.";
    case "incorrect_cvc":
      return "Your card was declined: the security code is incorrect. Please update your payment method.";
    case "processing_error":
      return "An error occurred while processing your card. Please try again in a few minutes.";
    case "authentication_required":
      return "Your bank requires you to verify this payment. Complete verification to add the credits.";
    default:
      return "Your card was declined. Please update your payment method or contact your bank.";
  }
}

export const INTERNAL_ERROR_MESSAGE = "An internal error occurred";
export const NO_PAYMENT_METHOD_MESSAGE = "No payment method set for automatic top-offs";
/** Reconciliation found no PaymentIntent at Stripe for an attempt whose idempotency key has (nearly) expired. */
export const NEVER_CHARGED_MESSAGE = "The payment never reached Stripe, so your card was not charged. Try again or top up now.";
