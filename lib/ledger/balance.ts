import { eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { creditBalances } from "@/db/schema";

/**
 * An org's credits (integers): `plan_credits` + `topup_credits` = `total`. `topupCredits` (and so `total`)
 * is below zero only as an overdraft taken under grace.
 */
export interface Balance {
  planCredits: number;
  topupCredits: number;
  total: number;
  /** plan credits granted at the last reset */
  planAllotment: number;
  /** when plan credits next reset, or null when no period is running */
  planResetsAt: Date | null;
  /** credits reserved by active holds */
  heldCredits: number;
  /** the overdraft allowed now: the open grace's credits, 0 when no grace is open */
  graceCredits: number;
  /** credits owed: how far the top-up pool is below zero (max(0, −topupCredits)); the next credit pays it first */
  overdraft: number;
  /** what a new debit may take: total − held + graceCredits (may be below zero after a failed recharge) */
  available: number;
}

/** The balance row's columns `toBalance` reads (Drizzle's camelCase row, or the hot path's mapped one). */
export interface BalanceColumns {
  planCredits: number;
  topupCredits: number;
  planAllotment: number;
  planResetsAt: Date | null;
  heldCredits: number;
  graceCredits: number;
  /** the attempt holding grace open, or null */
  graceAttemptId: string | null;
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

export function toBalance(row: BalanceColumns): Balance {
  const total = row.planCredits + row.topupCredits;
  const graceCredits = row.graceAttemptId === null ? 0 : row.graceCredits;
  return {
    planCredits: row.planCredits,
    topupCredits: row.topupCredits,
    total,
    planAllotment: row.planAllotment,
    planResetsAt: row.planResetsAt,
    heldCredits: row.heldCredits,
    graceCredits,
    overdraft: Math.max(0, -row.topupCredits),
    available: total - row.heldCredits + graceCredits,
  };
}

/** The limits a new debit of this balance is decided under (lib/billing/debit-plan). */
export function debitLimits(b: Pick<Balance, "heldCredits" | "graceCredits">): { heldCredits: number; graceCredits: number } {
  return { heldCredits: b.heldCredits, graceCredits: b.graceCredits };
}

/**
 * The grace bound (`grace_credits`) while no grace is open: the overdraft still owed, or that captures of
 * the active holds (within their quantity, always accepted) could still make — max(0, −topup, held − total) —
 * so `CHECK topup_credits >= -grace_credits` holds and the bound returns to 0 once the overdraft is paid.
 * No debit may use it (the overdraft allowed is 0 with grace closed).
 */
export function closedGraceCredits(row: { planCredits: number; topupCredits: number; heldCredits: number }): number {
  return Math.max(0, -row.topupCredits, row.heldCredits - row.planCredits - row.topupCredits);
}

/** The same bound in SQL, on `credit_balances`' columns. */
export const CLOSED_GRACE_SQL = "GREATEST(0, -topup_credits, held_credits - plan_credits - topup_credits)";

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
