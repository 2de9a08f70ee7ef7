import { randomUUID } from "node:crypto";
import { and, eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { creditBalances, ledgerEntries, usageEvents } from "@/db/schema";
import { planDebits, type AppliedUsage, type DebitRequest } from "@/lib/billing/debit-plan";
import { assertCredits, lockBalance, toBalance, type Balance } from "./balance";

export type { DebitRequest } from "@/lib/billing/debit-plan";

export type DebitResult =
  | { ok: true; id: string; quantity: number; balance: Balance; replayed: boolean }
  | { ok: false; code: "insufficient_credits"; quantity: number; balance: Balance };

/**
 * Debits usage for one org: plan pool first, then top-up pool, all requests in ONE transaction
 * (one balance update, one multi-row insert of usage events and ledger entries), in arrival order.
 *
 * `requests`: 1..n, each `quantity` an integer ≥ 1 (credits). Returns one result per request, in order:
 * success with the balance after it, a replay of the first result for an idempotency key already applied,
 * or `insufficient_credits` (nothing debited for that request). Throws `LedgerError` for a missing
 * balance row or a non-integer quantity (nothing written).
 */
export async function debitCredits(db: DbOrTx, orgId: string, requests: readonly DebitRequest[]): Promise<DebitResult[]> {
  for (const r of requests) assertCredits(r.quantity, "quantity");
  if (requests.length === 0) return [];
  return db.transaction(async (tx) => {
    const row = await lockBalance(tx, orgId);
    const keys = [...new Set(requests.map((r) => r.idempotencyKey).filter((k): k is string => !!k))];
    const prior = new Map<string, AppliedUsage>();
    if (keys.length > 0) {
      const found = await tx
        .select()
        .from(usageEvents)
        .where(and(eq(usageEvents.orgId, orgId), inArray(usageEvents.idempotencyKey, keys)));
      for (const u of found) prior.set(u.idempotencyKey!, { ...u, idempotencyKey: u.idempotencyKey });
    }

    const plan = planDebits(row, requests, prior, randomUUID);
    if (plan.newUsages.length > 0) {
      await tx
        .update(creditBalances)
        .set({ planCredits: plan.final.planCredits, topupCredits: plan.final.topupCredits, updatedAt: new Date() })
        .where(eq(creditBalances.orgId, orgId));
      await tx.insert(usageEvents).values(plan.newUsages.map((u) => ({ ...u, orgId })));
      await tx.insert(ledgerEntries).values(
        plan.entries.map((e) => ({
          orgId,
          pool: e.pool,
          delta: e.delta,
          kind: "usage" as const,
          reference: e.usageId,
          idempotencyKey: `usage:${e.usageId}:${e.pool}`,
          balanceAfter: e.balanceAfter,
        })),
      );
    }

    const extra = { planAllotment: row.planAllotment, planResetsAt: row.planResetsAt };
    return plan.outcomes.map((o): DebitResult => {
      if (!o.ok) return { ok: false, code: o.code, quantity: o.quantity, balance: toBalance({ ...o.balance, ...extra }) };
      const balance = toBalance({ planCredits: o.usage.planCreditsAfter, topupCredits: o.usage.topupCreditsAfter, ...extra });
      return { ok: true, id: o.usage.id, quantity: o.usage.quantity, balance, replayed: o.replayed };
    });
  });
}
