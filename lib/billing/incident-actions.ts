import type { IncidentKind } from "@/db/schema";

/** The fix each billing incident offers (the banner's button; the API's `action`). */
export type IncidentAction = "set_up_card" | "update_payment_method" | "complete_verification" | "retry_now" | "raise_spending_limit";

export const INCIDENT_ACTIONS: Readonly<Record<IncidentKind, IncidentAction>> = {
  no_payment_method: "set_up_card",
  card_declined: "update_payment_method",
  verification_needed: "complete_verification",
  internal_error: "retry_now",
  disabled_after_failures: "update_payment_method",
  spending_limit_reached: "raise_spending_limit",
  monthly_cap_reached: "raise_spending_limit",
};
