import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { creditBalances, ledgerEntries, type LedgerEntryKind } from "@/db/schema";
import { assertCredits, closedGraceCredits, lockBalance, toBalance, type Balance } from "./balance";

export interface CreditTopupInput {
  orgId: string;
  /** credits, integer ≥ 1 */
  credits: number;
  kind: Extract<LedgerEntryKind, "purchase" | "top_up" | "auto_recharge" | "adjustment" | "dispute_reversal" | "allocation">;
  /** what paid for it: a PaymentIntent id, Checkout Session id, … */
  reference: string;
  /** unique per org: e.g. `pi:<PaymentIntent id>`; the same key twice credits once */
  idempotencyKey: string;
}

/**
 * Adds top-up credits (they never expire). One transaction: lock balance, insert the entry, update
 * the balance. Returns `applied: false` (and the current balance) when the key was already credited.
 * An overdraft (top-up pool below zero) is paid first — the credits land in the same pool; with no grace
 * open the overdraft bound shrinks to what is still owed (0 once paid), so usage resumes only above zero.
 */
export async function creditTopup(db: DbOrTx, input: CreditTopupInput): Promise<{ applied: boolean; balance: Balance }> {
  assertCredits(input.credits, "credits");
  return db.transaction(async (tx) => {
    const row = await lockBalance(tx, input.orgId);
    if (await entryExists(tx, input.orgId, input.idempotencyKey)) return { applied: false, balance: toBalance(row) };
    const topupCredits = row.topupCredits + input.credits;
    const graceCredits = row.graceAttemptId === null ? closedGraceCredits({ ...row, topupCredits }) : row.graceCredits;
    await tx.update(creditBalances).set({ topupCredits, graceCredits, updatedAt: new Date() }).where(eq(creditBalances.orgId, input.orgId));
    await tx.insert(ledgerEntries).values({
      orgId: input.orgId,
      pool: "topup",
      delta: input.credits,
      kind: input.kind,
      reference: input.reference,
      idempotencyKey: input.idempotencyKey,
      balanceAfter: topupCredits,
    });
    return { applied: true, balance: toBalance({ ...row, topupCredits, graceCredits }) };
  });
}

export async function entryExists(db: DbOrTx, orgId: string, idempotencyKey: string): Promise<boolean> {
  const [hit] = await db
    .select({ id: ledgerEntries.id })
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.orgId, orgId), eq(ledgerEntries.idempotencyKey, idempotencyKey)))
    .limit(1);
  return !!hit;
}
