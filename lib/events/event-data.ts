import type { RechargeAttempt } from "@/db/schema";

/**
 * The `data` objects of Refill's events, the same shapes the REST API returns (pure). Dates ISO 8601,
 * money in cents.
 */

/** A recharge as `GET /api/v1/billing/auto-topup/history` lists it (recharge.* and auto_recharge.disabled). */
export function chargeEventData(a: RechargeAttempt, balanceAfter: number | null = a.balanceAfter): Record<string, unknown> {
  return {
    id: a.id,
    date: a.createdAt.toISOString(),
    amount: a.amountCents,
    currency: a.currency,
    credits: a.credits,
    status: a.status,
    trigger: a.trigger,
    failure_code: a.failureCode,
    decline_code: a.declineCode,
    failure_message: a.failureMessage,
    balance_after: balanceAfter,
  };
}

/** A Buy Credits Checkout that was credited (credits.purchased). */
export function purchaseEventData(p: {
  sessionId: string;
  credits: number;
  packs: number | null;
  amountCents: number | null;
  currency: string;
  balance: number;
}) {
  return { id: p.sessionId, credits: p.credits, packs: p.packs, amount: p.amountCents, currency: p.currency, balance_after: p.balance };
}
