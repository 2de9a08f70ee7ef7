import type { DbOrTx } from "@/db/client";
import { debitCredits, type Balance, type DebitResult } from "@/lib/ledger";
import { maybeTriggerRecharge } from "@/lib/recharge/trigger";
import type { UsageEventInput } from "./usage-schema";

/**
 * Debits reported usage for one org (in order, one transaction) and then — after the commit — lets the
 * auto-recharge trigger look at the new balance. The caller never waits for Stripe: the trigger only
 * records an attempt; a worker charges.
 */
export async function reportUsage(db: DbOrTx, orgId: string, events: readonly UsageEventInput[]): Promise<DebitResult[]> {
  const results = await debitCredits(
    db,
    orgId,
    events.map((e) => ({ quantity: e.quantity, idempotencyKey: e.idempotency_key ?? null })),
  );
  if (results.some((r) => r.ok && !r.replayed) || results.some((r) => !r.ok)) {
    await maybeTriggerRecharge(db, orgId).catch((err) => console.error("[recharge] trigger failed", { orgId, err }));
  }
  return results;
}

/** `{ plan_credits, topup_credits, total }` — the API's balance object. */
export function balanceJson(b: Pick<Balance, "planCredits" | "topupCredits">) {
  return { plan_credits: b.planCredits, topup_credits: b.topupCredits, total: b.planCredits + b.topupCredits };
}

/** One result as the API returns it: status + body. */
export function usageResultJson(r: DebitResult): { status: number; body: unknown } {
  if (r.ok) return { status: 200, body: { id: r.id, quantity: r.quantity, balance: balanceJson(r.balance) } };
  return {
    status: 402,
    body: {
      error: {
        code: "insufficient_credits",
        message: `Insufficient credits: ${r.quantity} requested, ${r.balance.total} available.`,
        balance: balanceJson(r.balance),
      },
    },
  };
}
