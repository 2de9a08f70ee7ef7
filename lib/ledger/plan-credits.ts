import { eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { creditBalances, ledgerEntries } from "@/db/schema";
import { entryExists } from "./credit";
import { closedGraceCredits, lockBalance, toBalance, type Balance } from "./balance";

export interface ResetPlanCreditsInput {
  orgId: string;
  /** the new period's allotment, credits, integer ≥ 0 */
  allotment: number;
  /** end of the new period (next reset) */
  resetsAt: Date | null;
  /** what started the period, e.g. a Stripe invoice id */
  reference: string;
  /** unique per period, e.g. `invoice:<id>`; a second call with it changes nothing */
  idempotencyKey: string;
}

/**
 * Starts a plan period: the remaining plan credits expire (a `plan_expire` entry) and the allotment is
 * granted (a `plan_grant` entry), in one transaction, once per key. Top-up credits are untouched (an overdraft stays owed in the
 * top-up pool: plan credits expire, so they do not pay it).
 */
export async function resetPlanCredits(db: DbOrTx, input: ResetPlanCreditsInput): Promise<{ applied: boolean; balance: Balance }> {
  if (!Number.isSafeInteger(input.allotment) || input.allotment < 0) throw new Error(`allotment must be an integer ≥ 0`);
  return db.transaction(async (tx) => {
    const row = await lockBalance(tx, input.orgId);
    const done =
      (await entryExists(tx, input.orgId, `${input.idempotencyKey}:grant`)) || (await entryExists(tx, input.orgId, `${input.idempotencyKey}:expire`));
    if (done) return { applied: false, balance: toBalance(row) };
    const base = { orgId: input.orgId, pool: "plan" as const, reference: input.reference };
    const entries = [];
    if (row.planCredits > 0) {
      entries.push({ ...base, kind: "plan_expire" as const, delta: -row.planCredits, balanceAfter: 0, idempotencyKey: `${input.idempotencyKey}:expire` });
    }
    if (input.allotment > 0) {
      entries.push({
        ...base,
        kind: "plan_grant" as const,
        delta: input.allotment,
        balanceAfter: input.allotment,
        idempotencyKey: `${input.idempotencyKey}:grant`,
      });
    }
    // With nothing to expire and nothing to grant no entry is written; applying that again is harmless.
    if (entries.length > 0) await tx.insert(ledgerEntries).values(entries);
    const next = {
      planCredits: input.allotment,
      planAllotment: input.allotment,
      planResetsAt: input.resetsAt,
      // a plan expiry lowers the total: keep the bound where captures of active holds could still take the pool
      graceCredits: Math.max(row.graceAttemptId === null ? 0 : row.graceCredits, closedGraceCredits({ ...row, planCredits: input.allotment })),
    };
    await tx
      .update(creditBalances)
      .set({ ...next, updatedAt: new Date() })
      .where(eq(creditBalances.orgId, input.orgId));
    return { applied: true, balance: toBalance({ ...row, ...next }) };
  });
}
