import { and, eq, isNull, or, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { creditBalances } from "@/db/schema";
import { assertCredits, CLOSED_GRACE_SQL } from "./balance";

/**
 * Grace: while a recharge attempt is in flight, debits the balance cannot cover are accepted against that
 * recharge's credits — the top-up pool may go below zero by at most `credits` (a bounded, explicit
 * overdraft; `balance == sum(entries)` always holds, grace itself writes no entry). At most one grace per
 * org. Whether an org may have grace (plan, card, failures, the owner's switch) is the caller's decision.
 */

export interface GrantGraceInput {
  orgId: string;
  /** the in-flight recharge attempt whose credits cover the overdraft */
  attemptId: string;
  /** the overdraft allowed, credits, integer ≥ 1 (the attempt's credits) */
  credits: number;
}

/**
 * Opens grace for `attemptId` (one statement; use inside the caller's transaction when it must commit with
 * the attempt). Returns false, changing nothing, when another attempt holds the org's grace; true when it
 * is now this attempt's (again: idempotent). The bound is never set below an overdraft already owed.
 */
export async function grantGrace(tx: DbOrTx, input: GrantGraceInput): Promise<boolean> {
  assertCredits(input.credits, "grace credits");
  const rows = await tx
    .update(creditBalances)
    .set({
      graceAttemptId: input.attemptId,
      graceCredits: sql`GREATEST(${input.credits}::int, ${sql.raw(CLOSED_GRACE_SQL)})`,
      updatedAt: new Date(),
    })
    .where(and(eq(creditBalances.orgId, input.orgId), or(isNull(creditBalances.graceAttemptId), eq(creditBalances.graceAttemptId, input.attemptId))))
    .returning({ orgId: creditBalances.orgId });
  return rows.length > 0;
}

/**
 * Closes `attemptId`'s grace (call when the attempt settles, succeeded or failed, ideally in the settling
 * transaction): the bound shrinks to the overdraft still owed (see `closedGraceCredits`), so with an overdraft left —
 * the recharge failed — usage is refused until the balance is positive again, and the next credit pays the
 * overdraft first. Returns true when it closed this attempt's grace, false (nothing changed) otherwise.
 */
export async function endGrace(tx: DbOrTx, input: { orgId: string; attemptId: string }): Promise<boolean> {
  const rows = await tx
    .update(creditBalances)
    .set({ graceAttemptId: null, graceCredits: sql.raw(CLOSED_GRACE_SQL), updatedAt: new Date() })
    .where(and(eq(creditBalances.orgId, input.orgId), eq(creditBalances.graceAttemptId, input.attemptId)))
    .returning({ orgId: creditBalances.orgId });
  return rows.length > 0;
}
