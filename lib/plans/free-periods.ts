import { and, eq, lte } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { creditBalances, organizations } from "@/db/schema";
import { currentFreePeriod } from "@/lib/billing/free-period";
import { PLANS } from "@/lib/billing/plans";
import { resetPlanCredits } from "@/lib/ledger";
import { appNow } from "@/lib/clock";

/** Orgs renewed per run at most; the job runs hourly, so a backlog clears within hours. */
const BATCH = 500;

/**
 * Starts the Free plan's period for one org: its remaining plan credits expire and the monthly allotment
 * (`PLANS.free.monthlyCredits`) is granted until `period.end`, once per period (ledger idempotency key
 * `free-period:<start>`, or `key` when given). Top-up credits are untouched.
 */
export async function startFreePeriod(db: DbOrTx, orgId: string, period: { start: Date; end: Date }, key?: string) {
  return resetPlanCredits(db, {
    orgId,
    allotment: PLANS.free.monthlyCredits,
    resetsAt: period.end,
    reference: "free-plan",
    idempotencyKey: key ?? `free-period:${period.start.toISOString()}`,
  });
}

/**
 * The `plans.free-periods` job: every Free org whose period has ended (`plan_resets_at` ≤ `now`) gets its
 * next one. Orgs without a running period (`plan_resets_at` null) are left alone: a period is started by
 * the seed, by a downgrade to Free, or by an operator. Returns how many orgs were renewed.
 */
export async function renewFreePeriods(db: Db, now = appNow()): Promise<number> {
  const due = await db
    .select({ orgId: creditBalances.orgId, resetsAt: creditBalances.planResetsAt })
    .from(creditBalances)
    .innerJoin(organizations, eq(organizations.id, creditBalances.orgId))
    .where(and(eq(organizations.plan, "free"), lte(creditBalances.planResetsAt, now)))
    .limit(BATCH);
  let renewed = 0;
  for (const org of due) {
    const r = await startFreePeriod(db, org.orgId, currentFreePeriod(now, org.resetsAt));
    if (r.applied) renewed++;
  }
  return renewed;
}
