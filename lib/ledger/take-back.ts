import { eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { creditBalances, ledgerEntries } from "@/db/schema";
import { assertCredits, closedGraceCredits, lockBalance, toBalance, type Balance } from "./balance";
import { entryExists } from "./credit";

export interface TakeBackInput {
  orgId: string;
  /** credits, integer ≥ 1 */
  credits: number;
  kind: "refund" | "dispute";
  /** the charge (ch_…) the credits were bought with */
  reference: string;
  /** unique per org: `refund:<id>` / `dispute:<dp_…>`; the same key twice takes back once */
  idempotencyKey: string;
}

/**
 * Takes back bought credits (a refund, a dispute) from the top-up pool — ONE entry, in the caller's
 * transaction (or its own). If they were already spent the pool goes below zero: the grace-overdraft
 * mechanism, bounded by exactly what is owed. With no grace open the bound becomes the overdraft
 * (`closedGraceCredits`), so usage is refused until the balance is positive again and the next credit pays
 * the overdraft first; with a recharge's grace open, the bound grows by the new debt (the recharge's credits
 * still cover usage; closing the grace shrinks the bound to what is owed). Plan credits are never touched.
 * Returns `applied: false` when the key was already taken back.
 */
export async function takeBackCredits(db: DbOrTx, input: TakeBackInput): Promise<{ applied: boolean; balance: Balance }> {
  assertCredits(input.credits, "credits");
  return db.transaction(async (tx) => {
    const row = await lockBalance(tx, input.orgId);
    if (await entryExists(tx, input.orgId, input.idempotencyKey)) return { applied: false, balance: toBalance(row) };
    const topupCredits = row.topupCredits - input.credits;
    const newDebt = Math.max(0, -topupCredits) - Math.max(0, -row.topupCredits);
    const graceCredits = row.graceAttemptId === null ? closedGraceCredits({ ...row, topupCredits }) : row.graceCredits + newDebt;
    await tx.update(creditBalances).set({ topupCredits, graceCredits, updatedAt: new Date() }).where(eq(creditBalances.orgId, input.orgId));
    await tx.insert(ledgerEntries).values({
      orgId: input.orgId,
      pool: "topup",
      delta: -input.credits,
      kind: input.kind,
      reference: input.reference,
      idempotencyKey: input.idempotencyKey,
      balanceAfter: topupCredits,
    });
    return { applied: true, balance: toBalance({ ...row, topupCredits, graceCredits }) };
  });
}
