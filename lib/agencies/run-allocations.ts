import { and, eq, gt, max, or } from "drizzle-orm";
import type { Db, Tx } from "@/db/client";
import type { RechargeAttempt } from "@/db/schema";
import { agencySubAccounts, allocationPeriods, organizations, subAccountAllocations } from "@/db/schema";
import { allocationCreditKey, allocationPeriod, estimateAllocation, type AllocationEstimate } from "@/lib/billing/allocation";
import { getPlan } from "@/lib/billing/plans";
import { enqueueJob, handOffJob } from "@/lib/jobs/queue";
import { logger } from "@/lib/log";
import { createRechargeAttempt } from "@/lib/recharge/attempts";
import { appNow } from "@/lib/clock";

export interface StartedAllocation {
  subAccountId: string;
  period: string;
  attemptId: string;
}

/**
 * The purchase of one allocation period, inside the caller's transaction: the agency's recharge attempt
 * (credited to the sub-account under `allocation:<sub>:<period>`), linked from the period row, and its durable
 * `recharge.charge` job — committed together or not at all. Null when the one-open-attempt-per-key index
 * refused it (another attempt of this period is open). The caller hands the charge off after the commit.
 */
export async function startPeriodAttempt(
  tx: Tx,
  p: { agencyId: string; subAccountId: string; period: string; periodRowId: string; estimate: AllocationEstimate; userId: string | null },
): Promise<RechargeAttempt | null> {
  const attempt = await createRechargeAttempt(tx, {
    orgId: p.agencyId,
    trigger: "manual",
    packs: p.estimate.packs,
    credits: p.estimate.credits,
    amountCents: p.estimate.amountCents,
    currency: p.estimate.currency,
    createdBy: p.userId,
    creditTo: { orgId: p.subAccountId, key: allocationCreditKey(p.subAccountId, p.period) },
  });
  if (!attempt) return null;
  await tx
    .update(allocationPeriods)
    .set({ attemptId: attempt.id, credits: p.estimate.credits, amountCents: p.estimate.amountCents })
    .where(eq(allocationPeriods.id, p.periodRowId));
  await enqueueJob("recharge.charge", { attemptId: attempt.id }, { tx, singletonKey: `allocation:${p.periodRowId}:${attempt.id}`, startAfterSeconds: 5 });
  return attempt;
}

/**
 * Starts this month's allocation purchase for one sub-account, at most once per (sub-account, period):
 * the `allocation_periods` row (unique on both), the recharge attempt (the agency is charged, the sub-account
 * credited under `allocation:<sub>:<period>`) and its durable `recharge.charge` job commit together or not at
 * all. A concurrent or repeated call finds the row and starts nothing. Returns null when nothing was started.
 */
async function startAllocationPeriod(db: Db, p: { subAccountId: string; now: Date }): Promise<StartedAllocation | null> {
  const started = await db.transaction(async (tx) => {
    const [row] = await tx
      .select({ agencyId: agencySubAccounts.agencyId, plan: organizations.plan, timeZone: organizations.timeZone, a: subAccountAllocations })
      .from(subAccountAllocations)
      .innerJoin(agencySubAccounts, eq(agencySubAccounts.subAccountId, subAccountAllocations.subAccountId))
      .innerJoin(organizations, eq(organizations.id, subAccountAllocations.subAccountId))
      .where(eq(subAccountAllocations.subAccountId, p.subAccountId));
    if (!row || row.a.basicMinutes + row.a.premiumMinutes === 0) return null;
    const period = allocationPeriod(p.now, row.timeZone);
    const estimate = estimateAllocation(getPlan(row.plan), row.a);
    const [claimed] = await tx
      .insert(allocationPeriods)
      .values({
        subAccountId: p.subAccountId,
        agencyId: row.agencyId,
        period,
        basicMinutes: row.a.basicMinutes,
        premiumMinutes: row.a.premiumMinutes,
        credits: estimate.credits,
        amountCents: estimate.amountCents,
      })
      .onConflictDoNothing()
      .returning({ id: allocationPeriods.id });
    if (!claimed) return null; // this month's purchase exists (or a concurrent run is creating it)
    const attempt = await startPeriodAttempt(tx, {
      agencyId: row.agencyId,
      subAccountId: p.subAccountId,
      period,
      periodRowId: claimed.id,
      estimate,
      userId: null,
    });
    return { subAccountId: p.subAccountId, period, attemptId: attempt!.id };
  });
  if (started) {
    logger.info({ orgId: p.subAccountId, attemptId: started.attemptId, period: started.period }, "allocation: purchase started");
    await handOffJob(db, "recharge.charge", { attemptId: started.attemptId });
  }
  return started;
}

/**
 * The scheduled job (`allocations.run`, every 5 minutes, and on save): every allocation with minutes whose
 * sub-account has no purchase for its current period yet. The last period bought is compared in memory (the
 * period depends on each sub-account's time zone); the unique row decides under races.
 */
export async function runDueAllocations(db: Db, opts: { now?: Date; subAccountId?: string } = {}): Promise<StartedAllocation[]> {
  const now = opts.now ?? appNow();
  const rows = await db
    .select({ subAccountId: subAccountAllocations.subAccountId, timeZone: organizations.timeZone, last: max(allocationPeriods.period) })
    .from(subAccountAllocations)
    .innerJoin(organizations, eq(organizations.id, subAccountAllocations.subAccountId))
    .leftJoin(allocationPeriods, eq(allocationPeriods.subAccountId, subAccountAllocations.subAccountId))
    .where(
      and(
        or(gt(subAccountAllocations.basicMinutes, 0), gt(subAccountAllocations.premiumMinutes, 0)),
        opts.subAccountId ? eq(subAccountAllocations.subAccountId, opts.subAccountId) : undefined,
      ),
    )
    .groupBy(subAccountAllocations.subAccountId, organizations.timeZone);
  const started: StartedAllocation[] = [];
  for (const r of rows) {
    if (r.last !== null && r.last >= allocationPeriod(now, r.timeZone)) continue;
    try {
      const s = await startAllocationPeriod(db, { subAccountId: r.subAccountId, now });
      if (s) started.push(s);
    } catch (err) {
      logger.error({ orgId: r.subAccountId, err }, "allocation: could not start the purchase");
    }
  }
  return started;
}
