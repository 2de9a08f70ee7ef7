/**
 * The event types Refill sends to an org's webhook endpoints (issue #13), one name per state change a
 * customer's product may react to. Payload: `{ id, type, created_at, org_id, data }`, `data` being the
 * same object the REST API returns for that thing. Pure list, shared by db/ (the column check), the
 * recorder, the endpoint schema and the Developers page.
 */
export const EVENT_TYPES = [
  "balance.low",
  "balance.depleted",
  "balance.recovered",
  "recharge.succeeded",
  "recharge.failed",
  "recharge.requires_action",
  "auto_recharge.disabled",
  "auto_recharge.paused",
  "credits.purchased",
  "spending_limit.alert",
  "budget.alert",
  "charge.refunded",
  "charge.dispute.created",
  "charge.dispute.closed",
  "campaign.paused",
  "campaign.resumed",
] as const;

export type EventType = (typeof EVENT_TYPES)[number];
