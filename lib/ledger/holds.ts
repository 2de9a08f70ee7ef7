import { and, eq, lte, sql } from "drizzle-orm";
import { drizzleOn, type Db, type DbOrTx } from "@/db/client";
import { creditBalances, creditHolds, type CreditHold } from "@/db/schema";
import { splitDebit } from "@/lib/billing/debit-plan";
import { wouldExceedBudget } from "@/lib/billing/key-budget";
import { assertCredits, debitLimits, lockBalance, toBalance, type Balance } from "./balance";
import { activeHeldCredits, lockBudgetCounter, type BudgetState } from "./key-budget-sql";
import { newUsageId } from "./usage-id";

/**
 * Holds (authorize / capture / release) for calls in progress — TigerBeetle's pending transfers, Stripe's
 * manual capture. An active hold's `quantity` counts in `credit_balances.held_credits`, so it refuses new
 * debits that would eat it (total − held − quantity ≥ −grace, the same rule as usage) and lowers
 * `available`, which the recharge trigger compares with the threshold. Every function here locks the org's
 * balance row first, then the hold row: one lock order with the debit path, and two processes touching
 * one hold are serialized (the second sees the first's outcome). Capture is in lib/ledger/hold-capture.ts.
 */

/** Longest hold, seconds (24 h); the default is 1 h. */
export const MAX_HOLD_SECONDS = 86_400;
export const DEFAULT_HOLD_SECONDS = 3_600;

/** Why a hold cannot be captured or released (HTTP 409): it is no longer active. */
export type HoldConflict = "captured" | "released" | "expired";

export interface CreateHoldInput {
  orgId: string;
  /** credits to reserve, integer 1..1,000,000 (= units × `measure.rate`) */
  quantity: number;
  /** the meter the hold measures, its rate (credits per unit) and properties, fixed for its capture (default: the default meter at 1) */
  measure?: { meter: string; rate: number; properties?: Record<string, string> | null };
  /** seconds until the sweep releases it, integer 1..86,400 */
  expiresInSeconds: number;
  /** unique per org: the same key again returns the first hold, holding nothing more */
  idempotencyKey?: string | null;
  /**
   * the creating API key when it has a credit budget: the hold is refused (`budget_exceeded`) unless the budget
   * covers what the key used this period + its other active holds + `quantity`; its capture counts as use
   */
  budgetKeyId?: string | null;
  now?: Date;
}

export type CreateHoldResult =
  | { ok: true; hold: CreditHold; balance: Balance; replayed: boolean }
  | { ok: false; code: "insufficient_credits"; quantity: number; balance: Balance }
  | { ok: false; code: "budget_exceeded"; quantity: number; balance: Balance; budget: BudgetState };

/**
 * Reserves `quantity` credits (one transaction). Accepted when the balance could take a debit of that size
 * now (grace included); refused `insufficient_credits` holding nothing (the key stays unbound, like a 402
 * usage request). A replay returns the first hold as it is now, with the current balance.
 */
export async function createHold(db: Db, input: CreateHoldInput): Promise<CreateHoldResult> {
  assertCredits(input.quantity, "quantity");
  if (!Number.isSafeInteger(input.expiresInSeconds) || input.expiresInSeconds < 1 || input.expiresInSeconds > MAX_HOLD_SECONDS) {
    throw new RangeError(`expiresInSeconds must be an integer 1..${MAX_HOLD_SECONDS}`);
  }
  const now = input.now ?? new Date();
  const key = input.idempotencyKey ?? null;
  const budgetKeyId = input.budgetKeyId ?? null;
  // postgres.js's transaction (the budget counter's tagged statements) with Drizzle over it for the rest
  return (await db.$client.begin(async (sqlTx) => {
    const tx = drizzleOn(sqlTx);
    const row = await lockBalance(tx, input.orgId);
    const balance = toBalance(row);
    if (key !== null) {
      // read after the lock (a new statement, so a hold another process committed while we waited is seen)
      const [earlier] = await tx
        .select()
        .from(creditHolds)
        .where(and(eq(creditHolds.orgId, input.orgId), eq(creditHolds.idempotencyKey, key)));
      if (earlier) return { ok: true, hold: earlier, balance, replayed: true };
    }
    const pools = { planCredits: row.planCredits, topupCredits: row.topupCredits };
    if (!splitDebit(pools, input.quantity, debitLimits(balance))) {
      return { ok: false, code: "insufficient_credits", quantity: input.quantity, balance };
    }
    // The key's budget, its counter locked after the balance row (the debit path's lock order).
    const budget = budgetKeyId ? await lockBudgetCounter(sqlTx, budgetKeyId, now) : undefined;
    if (budget) {
      const held = await activeHeldCredits(sqlTx, input.orgId, budget.keyId, now);
      if (wouldExceedBudget(budget.used + held, input.quantity, budget.credits)) {
        const { alerted: _alerted, ...state } = budget;
        return { ok: false, code: "budget_exceeded", quantity: input.quantity, balance, budget: state };
      }
    }
    const [hold] = await tx
      .insert(creditHolds)
      .values({
        id: newUsageId(),
        orgId: input.orgId,
        quantity: input.quantity,
        ...(input.measure ? { meter: input.measure.meter, rate: input.measure.rate, properties: input.measure.properties ?? null } : {}),
        idempotencyKey: key,
        budgetKeyId: budget ? budget.keyId : null,
        expiresAt: new Date(now.getTime() + input.expiresInSeconds * 1000),
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    const heldCredits = row.heldCredits + input.quantity;
    await setHeld(tx, input.orgId, heldCredits);
    return { ok: true, hold: hold!, balance: toBalance({ ...row, heldCredits }), replayed: false };
  })) as CreateHoldResult;
}

export type ReleaseHoldResult =
  { ok: true; hold: CreditHold; balance: Balance } | { ok: false; code: "not_found" } | { ok: false; code: "conflict"; reason: HoldConflict; hold: CreditHold };

/**
 * Releases an active hold (its credits are no longer held). `not_found` for an id of another org or none;
 * `conflict` for a hold already captured, released or expired — a hold past `expires_at` is expired now
 * (what the sweep would do) and answered `expired`. Nothing else is written on a refusal.
 */
export async function releaseHold(db: Db, input: { orgId: string; holdId: string; now?: Date }): Promise<ReleaseHoldResult> {
  const now = input.now ?? new Date();
  return db.transaction(async (tx) => {
    const locked = await lockHold(tx, input.orgId, input.holdId, now);
    if (!locked.ok) return locked;
    const { row, hold } = locked;
    const heldCredits = row.heldCredits - hold.quantity;
    const [released] = await tx.update(creditHolds).set({ status: "released", updatedAt: now }).where(eq(creditHolds.id, hold.id)).returning();
    await setHeld(tx, input.orgId, heldCredits);
    return { ok: true, hold: released!, balance: toBalance({ ...row, heldCredits }) };
  });
}

/** One hold of `orgId` (null for another org's or an unknown id); an active hold past its expiry reads as `expired`. */
export async function getHold(db: DbOrTx, orgId: string, holdId: string, now = new Date()): Promise<CreditHold | null> {
  const [hold] = await db
    .select()
    .from(creditHolds)
    .where(and(eq(creditHolds.id, holdId), eq(creditHolds.orgId, orgId)));
  if (!hold) return null;
  return hold.status === "active" && hold.expiresAt <= now ? { ...hold, status: "expired" } : hold;
}

/**
 * The expiry sweep: every active hold past `expires_at` becomes `expired` and its credits are no longer held,
 * one transaction per org (balance row locked first, like every hold function), at most `maxOrgs` orgs per
 * call. Returns how many holds it expired. Safe to run concurrently with itself and with captures.
 * Schedule it every minute (pg-boss); holds are also expired when touched.
 */
export async function expireHolds(db: Db, now = new Date(), maxOrgs = 1000): Promise<number> {
  const due = await db
    .selectDistinct({ orgId: creditHolds.orgId })
    .from(creditHolds)
    .where(and(eq(creditHolds.status, "active"), lte(creditHolds.expiresAt, now)))
    .limit(maxOrgs);
  let expired = 0;
  for (const { orgId } of due) {
    expired += await db.transaction(async (tx) => {
      const row = await lockBalance(tx, orgId);
      const gone = await tx
        .update(creditHolds)
        .set({ status: "expired", updatedAt: now })
        .where(and(eq(creditHolds.orgId, orgId), eq(creditHolds.status, "active"), lte(creditHolds.expiresAt, now)))
        .returning({ quantity: creditHolds.quantity });
      if (gone.length > 0) await setHeld(tx, orgId, row.heldCredits - gone.reduce((n, h) => n + h.quantity, 0));
      return gone.length;
    });
  }
  return expired;
}

/**
 * Inside `tx`: locks the org's balance row, then the hold. Returns them when the hold is active and not
 * past its expiry; otherwise the refusal — an active hold past `expires_at` is expired first (committed
 * with `tx`: expiry is not the caller's write, it is the sweep's, done early).
 */
export async function lockHold(
  tx: DbOrTx,
  orgId: string,
  holdId: string,
  now: Date,
): Promise<
  | { ok: true; row: Awaited<ReturnType<typeof lockBalance>>; hold: CreditHold }
  | { ok: false; code: "not_found" }
  | { ok: false; code: "conflict"; reason: HoldConflict; hold: CreditHold }
> {
  const row = await lockBalance(tx, orgId);
  const [hold] = await tx
    .select()
    .from(creditHolds)
    .where(and(eq(creditHolds.id, holdId), eq(creditHolds.orgId, orgId)))
    .for("update");
  if (!hold) return { ok: false, code: "not_found" };
  if (hold.status !== "active") return { ok: false, code: "conflict", reason: hold.status, hold };
  if (hold.expiresAt <= now) {
    const [expired] = await tx.update(creditHolds).set({ status: "expired", updatedAt: now }).where(eq(creditHolds.id, hold.id)).returning();
    await setHeld(tx, orgId, row.heldCredits - hold.quantity);
    return { ok: false, code: "conflict", reason: "expired", hold: expired! };
  }
  return { ok: true, row, hold };
}

async function setHeld(tx: DbOrTx, orgId: string, heldCredits: number): Promise<void> {
  await tx
    .update(creditBalances)
    .set({ heldCredits, updatedAt: sql`now()` })
    .where(eq(creditBalances.orgId, orgId));
}
