/** The billing incidents a banner can show (the `incident_kind` enum of db/schema is built from this list). */
export const INCIDENT_KINDS = [
  "no_payment_method",
  "card_declined",
  "verification_needed",
  "internal_error",
  "disabled_after_failures",
  "spending_limit_reached",
  "monthly_cap_reached",
  "credits_taken_back",
] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

/** The fix each billing incident offers (the banner's button; the API's `action`). */
export type IncidentAction = "set_up_card" | "update_payment_method" | "complete_verification" | "retry_now" | "raise_spending_limit" | "buy_credits";

export const INCIDENT_ACTIONS: Readonly<Record<IncidentKind, IncidentAction>> = {
  no_payment_method: "set_up_card",
  card_declined: "update_payment_method",
  verification_needed: "complete_verification",
  internal_error: "retry_now",
  disabled_after_failures: "update_payment_method",
  spending_limit_reached: "raise_spending_limit",
  monthly_cap_reached: "raise_spending_limit",
  credits_taken_back: "buy_credits",
};
