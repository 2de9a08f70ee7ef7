/**
 * What an editor reads where only the owner may act (the server action's refusal and the disabled
 * control's reason on the page say the same words). Pure.
 */
export const OWNER_ONLY_AUTO_RECHARGE = "Only the organization owner can manage auto-recharge.";
export const OWNER_ONLY_BUY = "Only the organization owner can buy credits.";
export const OWNER_ONLY_PAYMENT = "Only the organization owner can manage the payment method and plan.";
export const OWNER_ONLY_DISMISS = "Only the organization owner can dismiss billing alerts.";
export const OWNER_ONLY_API_KEYS = "Only the organization owner can manage API keys.";
export const OWNER_ONLY_BILLING_DETAILS = "Only the organization owner can change the billing details.";
export const OWNER_ONLY_BALANCE_ALERTS = "Only the organization owner can change balance alerts.";
export const OWNER_ONLY_REFUND = "Only the organization owner can refund top-ups.";
export const OWNER_ONLY_CAMPAIGNS = "Only the organization owner can recharge and resume campaigns.";
