import { eq, sql } from "drizzle-orm";
import type postgres from "postgres";
import { drizzleOn, type Db, type Tx } from "@/db/client";
import { autoRechargeSettings, creditBalances, creditHolds, ledgerEntries, type CreditHold } from "@/db/schema";
import { splitDebit } from "@/lib/billing/debit-plan";
import { getBalance, LedgerError, toBalance, type Balance } from "./balance";
import { lockHold, type HoldConflict } from "./holds";
import { newUsageId } from "./usage-id";
import { recordCapturedUsage } from "./hold-usage-sql";
import { addBudgetUse, lockBudgetCounter, type BudgetAlerts } from "./key-budget-sql";

export interface CaptureHoldInput {
  orgId: string;
  holdId: string;
  /** the call's actual usage in units of the hold's meter, integer 0..1,000,000 (may exceed the hold); credits = units × the hold's rate */
  quantity: number;
  /** the same key again replays the capture; a different one on a captured hold is a conflict */
  idempotencyKey?: string | null;
  /** a hold made through a key with a budget: the 80 % / 100 % alerts its capture crossed, written in its transaction */
  onBudgetAlerts?: (tx: postgres.TransactionSql, alerts: BudgetAlerts) => Promise<void>;
  now?: Date;
}

export type CaptureHoldResult =
  | {
      ok: true;
      hold: CreditHold;
      balance: Balance;
      replayed: boolean;
      /** the org's auto-recharge settings as the capture committed (null: never configured), for the trigger */
      autoRecharge: { enabled: boolean; threshold: number } | null;
    }
  | { ok: false; code: "not_found" }
  | { ok: false; code: "too_large"; credits: number; hold: CreditHold }
  | { ok: false; code: "conflict"; reason: HoldConflict; hold: CreditHold }
  | { ok: false; code: "insufficient_credits"; quantity: number; balance: Balance; hold: CreditHold };

/**
 * Captures an active hold (one transaction, balance row then hold locked): debits `quantity` as usage — plan
 * pool first, one `usage` ledger entry per pool touched, `reference` = the new usage id (also `hold.usageId`),
 * counted in `usage_hourly` — and releases the hold's credits. Up to the hold's quantity it is always accepted
 * (those credits were reserved); beyond it the excess must fit the balance plus grace (total − other holds −
 * quantity ≥ −grace), otherwise `insufficient_credits` and the hold stays active, nothing written. Capturing
 * 0 releases it. A captured hold with the same capture key replays (current balance); any other capture or
 * release of a captured, released or expired hold is a `conflict` (an active hold past its expiry is expired
 * first); another org's or an unknown id is `not_found`. Throws `LedgerError` for a bad quantity.
 * A hold made through a key with a budget (`budget_key_id`) adds the captured credits to that key's use this
 * period (never refused: the call has happened — the budget was checked when the hold was created).
 */
export async function captureHold(db: Db, input: CaptureHoldInput): Promise<CaptureHoldResult> {
  if (!Number.isSafeInteger(input.quantity) || input.quantity < 0 || input.quantity > 1_000_000) {
    throw new LedgerError("invalid_amount", `quantity must be an integer 0..1000000, got ${input.quantity}`);
  }
  const now = input.now ?? new Date();
  const key = input.idempotencyKey ?? null;
  return (await db.$client.begin(async (sqlTx): Promise<CaptureHoldResult> => {
    const tx = drizzleOn(sqlTx);
    const locked = await lockHold(tx, input.orgId, input.holdId, now);
    if (!locked.ok) {
      if (locked.code === "conflict" && locked.reason === "captured" && key !== null && locked.hold.captureIdempotencyKey === key) {
        return { ok: true, hold: locked.hold, balance: await getBalance(tx, input.orgId), replayed: true, autoRecharge: await settingsOf(tx, input.orgId) };
      }
      return locked;
    }
    const { row, hold } = locked;
    const units = input.quantity;
    const credits = units * hold.rate;
    if (credits > 1_000_000) return { ok: false, code: "too_large", credits, hold };
    const before = toBalance(row);
    const heldAfter = row.heldCredits - hold.quantity;
    const pools = { planCredits: row.planCredits, topupCredits: row.topupCredits };
    // Within the hold: always (reserved). Beyond it: the whole capture as a new debit, the other holds still held.
    const split =
      credits <= hold.quantity
        ? { fromPlan: Math.min(row.planCredits, credits), fromTopup: credits - Math.min(row.planCredits, credits) }
        : splitDebit(pools, credits, { heldCredits: heldAfter, graceCredits: before.graceCredits });
    if (!split) return { ok: false, code: "insufficient_credits", quantity: credits, balance: before, hold };

    const planCredits = row.planCredits - split.fromPlan;
    const topupCredits = row.topupCredits - split.fromTopup;
    const usageId = credits > 0 ? newUsageId() : null;
    const entries = [
      { pool: "plan" as const, delta: -split.fromPlan, balanceAfter: planCredits },
      { pool: "topup" as const, delta: -split.fromTopup, balanceAfter: topupCredits },
    ].filter((e) => e.delta !== 0);
    if (entries.length > 0) {
      await tx.insert(ledgerEntries).values(entries.map((e) => ({ ...e, orgId: input.orgId, kind: "usage" as const, reference: usageId })));
      await tx.execute(sql`
        INSERT INTO usage_hourly (org_id, hour, credits, events)
        VALUES (${input.orgId}, date_trunc('hour', now()), ${credits}, 1)
        ON CONFLICT (org_id, hour) DO UPDATE
          SET credits = usage_hourly.credits + excluded.credits, events = usage_hourly.events + excluded.events`);
      await recordCapturedUsage(tx, input.orgId, hold, { usageId: usageId!, units, credits, planCredits, topupCredits });
    }
    await tx.update(creditBalances).set({ planCredits, topupCredits, heldCredits: heldAfter, updatedAt: now }).where(eq(creditBalances.orgId, input.orgId));
    if (hold.budgetKeyId && credits > 0) {
      const budget = await lockBudgetCounter(sqlTx, hold.budgetKeyId, now); // after the balance row and the hold
      if (budget) {
        const { state, levels } = await addBudgetUse(sqlTx, budget, credits);
        if (levels.length > 0 && input.onBudgetAlerts) await input.onBudgetAlerts(sqlTx, { orgId: input.orgId, budget: state, levels });
      }
    }
    const [captured] = await tx
      .update(creditHolds)
      .set({ status: "captured", capturedQuantity: credits, captureIdempotencyKey: key, usageId, updatedAt: now })
      .where(eq(creditHolds.id, hold.id))
      .returning();
    return {
      ok: true,
      hold: captured!,
      balance: toBalance({ ...row, planCredits, topupCredits, heldCredits: heldAfter }),
      replayed: false,
      autoRecharge: await settingsOf(tx, input.orgId),
    };
  })) as CaptureHoldResult;
}

async function settingsOf(tx: Tx, orgId: string) {
  const [s] = await tx
    .select({ enabled: autoRechargeSettings.enabled, threshold: autoRechargeSettings.threshold })
    .from(autoRechargeSettings)
    .where(eq(autoRechargeSettings.orgId, orgId));
  return s ?? null;
}
