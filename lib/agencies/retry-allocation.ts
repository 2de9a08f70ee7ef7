import { and, eq, inArray, isNotNull, ne } from "drizzle-orm";
import type { Db } from "@/db/client";
import { agencySubAccounts, allocationPeriods, organizations, rechargeAttempts, stripeCustomers } from "@/db/schema";
import { allocationPeriod, estimateAllocation, retryableAllocation } from "@/lib/billing/allocation";
import { getPlan } from "@/lib/billing/plans";
import { appNow } from "@/lib/clock";
import { handOffJob } from "@/lib/jobs/queue";
import { logger } from "@/lib/log";
import { startPeriodAttempt } from "./run-allocations";

export type RetryAllocationResult =
  { ok: true; attemptId: string; period: string } | { ok: false; code: "not_found" | "nothing_to_retry" | "already_paid" | "in_progress" | "no_card" };

/**
 * "Retry now" for this month's declined allocation purchase: a NEW attempt for the same period (same minutes,
 * the sub-account's plan's current rates), credited under the same key `allocation:<sub>:<period>`, so the month
 * is still credited at most once. Under the period row's lock: a paid period is refused, an open attempt is
 * "in progress" (a concurrent retry waits for the lock and then sees it), and the partial unique index on
 * `credit_key` allows one open attempt per period even without the lock. The attempt and its `recharge.charge`
 * job commit together; the charge runs at once after the commit.
 */
export async function retryAllocationNow(
  db: Db,
  p: { agencyId: string; subAccountId: string; userId: string | null; now?: Date },
): Promise<RetryAllocationResult> {
  const now = p.now ?? appNow();
  const r = await db.transaction(async (tx): Promise<RetryAllocationResult> => {
    const [sub] = await tx
      .select({ plan: organizations.plan, timeZone: organizations.timeZone })
      .from(agencySubAccounts)
      .innerJoin(organizations, eq(organizations.id, agencySubAccounts.subAccountId))
      .where(and(eq(agencySubAccounts.agencyId, p.agencyId), eq(agencySubAccounts.subAccountId, p.subAccountId)));
    if (!sub) return { ok: false, code: "not_found" };
    const period = allocationPeriod(now, sub.timeZone);
    const [row] = await tx
      .select()
      .from(allocationPeriods)
      .where(and(eq(allocationPeriods.subAccountId, p.subAccountId), eq(allocationPeriods.period, period)))
      .for("update");
    if (!row) return { ok: false, code: "nothing_to_retry" };
    const [last] = row.attemptId ? await tx.select().from(rechargeAttempts).where(eq(rechargeAttempts.id, row.attemptId)) : [];
    const verdict = retryableAllocation(last ?? null, now);
    if (verdict !== "retry") return { ok: false, code: verdict };
    const [card] = await tx.select({ pm: stripeCustomers.defaultPaymentMethodId }).from(stripeCustomers).where(eq(stripeCustomers.orgId, p.agencyId));
    if (!card?.pm) return { ok: false, code: "no_card" };
    const estimate = estimateAllocation(getPlan(sub.plan), row);
    const attempt = await startPeriodAttempt(tx, {
      agencyId: p.agencyId,
      subAccountId: p.subAccountId,
      period,
      periodRowId: row.id,
      estimate,
      userId: p.userId,
    });
    if (!attempt) return { ok: false, code: "in_progress" }; // the one-open-attempt-per-period index
    return { ok: true, attemptId: attempt.id, period };
  });
  if (r.ok) {
    logger.info({ orgId: p.subAccountId, attemptId: r.attemptId, period: r.period }, "allocation: retry started");
    await handOffJob(db, "recharge.charge", { attemptId: r.attemptId });
  }
  return r;
}

/**
 * A declined month is retried once per new card: each sub-account whose current purchase failed (or was
 * canceled) on a card that is no longer the agency's default gets a new attempt on the new default. Decided from
 * state, not from the change event, so it is idempotent and durable: the customer sync calls it when it sees the
 * card replaced (at once), and the 5-minute `allocations.run` job calls it too — a retry the sync could not start
 * (a crash after the card's sync, a database error) is started by the next run. An attempt that declined on the
 * CURRENT card is left alone (Retry now is the owner's), and so is one that never reached a card (no
 * `payment_method_id`). `agencyId`: one agency (the sync), or every agency (the job). Non-ok results (paid, in
 * progress, a past month) are skipped; errors are logged, never thrown.
 */
export async function retryDeclinedAllocationsOnNewCard(db: Db, agencyId?: string): Promise<RetryAllocationResult[]> {
  const declined = await db
    .selectDistinct({ agencyId: allocationPeriods.agencyId, subAccountId: allocationPeriods.subAccountId })
    .from(allocationPeriods)
    .innerJoin(rechargeAttempts, eq(rechargeAttempts.id, allocationPeriods.attemptId))
    .innerJoin(stripeCustomers, eq(stripeCustomers.orgId, allocationPeriods.agencyId))
    .where(
      and(
        agencyId ? eq(allocationPeriods.agencyId, agencyId) : undefined,
        inArray(rechargeAttempts.status, ["failed", "canceled"]),
        isNotNull(rechargeAttempts.paymentMethodId),
        isNotNull(stripeCustomers.defaultPaymentMethodId),
        ne(rechargeAttempts.paymentMethodId, stripeCustomers.defaultPaymentMethodId),
      ),
    );
  const results: RetryAllocationResult[] = [];
  for (const d of declined) {
    try {
      results.push(await retryAllocationNow(db, { agencyId: d.agencyId, subAccountId: d.subAccountId, userId: null }));
    } catch (err) {
      logger.error({ orgId: d.subAccountId, err }, "allocation: retry on the new card failed to start");
    }
  }
  return results;
}
