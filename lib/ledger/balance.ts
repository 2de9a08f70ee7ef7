import { eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { creditBalances } from "@/db/schema";

/** An org's credits: `plan_credits` + `topup_credits` = `total` (integers). */
export interface Balance {
  planCredits: number;
  topupCredits: number;
  total: number;
  /** plan credits granted at the last reset */
  planAllotment: number;
  /** when plan credits next reset, or null when no period is running */
  planResetsAt: Date | null;
}

export class LedgerError extends Error {
  constructor(
    readonly code: "balance_missing" | "invalid_amount",
    message: string,
  ) {
    super(message);
    this.name = "LedgerError";
  }
}

export function toBalance(row: { planCredits: number; topupCredits: number; planAllotment: number; planResetsAt: Date | null }): Balance {
  return {
    planCredits: row.planCredits,
    topupCredits: row.topupCredits,
    total: row.planCredits + row.topupCredits,
    planAllotment: row.planAllotment,
    planResetsAt: row.planResetsAt,
  };
}

/** O(1): reads the balance row. Throws `balance_missing` for an org without one. */
export async function getBalance(db: DbOrTx, orgId: string): Promise<Balance> {
  const [row] = await db.select().from(creditBalances).where(eq(creditBalances.orgId, orgId));
  if (!row) throw new LedgerError("balance_missing", `No credit balance for org ${orgId}`);
  return toBalance(row);
}

/** Locks and returns the balance row inside a transaction (serializes writers of one org). */
export async function lockBalance(tx: DbOrTx, orgId: string) {
  const [row] = await tx.select().from(creditBalances).where(eq(creditBalances.orgId, orgId)).for("update");
  if (!row) throw new LedgerError("balance_missing", `No credit balance for org ${orgId}`);
  return row;
}

/** Creates the zero balance row of a new org (idempotent). */
export async function openBalance(db: DbOrTx, orgId: string): Promise<void> {
  await db.insert(creditBalances).values({ orgId }).onConflictDoNothing();
}

export function assertCredits(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 1) throw new LedgerError("invalid_amount", `${what} must be an integer ≥ 1, got ${n}`);
}
