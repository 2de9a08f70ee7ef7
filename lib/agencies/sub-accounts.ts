import { and, eq } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { agencySubAccounts, subAccountAllocations } from "@/db/schema";
import { enqueueJob, handOffJob } from "@/lib/jobs/queue";

/** Makes `subAccountId` a sub-account of `agencyId` (idempotent; a sub-account has one agency). */
export async function linkSubAccount(db: DbOrTx, p: { agencyId: string; subAccountId: string }): Promise<void> {
  await db.insert(agencySubAccounts).values(p).onConflictDoNothing();
}

export type SaveAllocationResult = { ok: true } | { ok: false; code: "not_found" };

/**
 * Saves the agency's monthly allocation for one of ITS sub-accounts (the WHERE names both: another agency's
 * sub-account is "not found"). Then this month's purchase is started if none exists yet (durable job with
 * the save, run at once after the commit); a change after this month's purchase applies from next month.
 */
export async function saveAllocation(
  db: Db,
  p: { agencyId: string; subAccountId: string; basicMinutes: number; premiumMinutes: number; userId: string | null },
): Promise<SaveAllocationResult> {
  const saved = await db.transaction(async (tx) => {
    const [link] = await tx
      .select()
      .from(agencySubAccounts)
      .where(and(eq(agencySubAccounts.agencyId, p.agencyId), eq(agencySubAccounts.subAccountId, p.subAccountId)));
    if (!link) return false;
    const values = { basicMinutes: p.basicMinutes, premiumMinutes: p.premiumMinutes, updatedBy: p.userId, updatedAt: new Date() };
    await tx
      .insert(subAccountAllocations)
      .values({ subAccountId: p.subAccountId, ...values })
      .onConflictDoUpdate({ target: subAccountAllocations.subAccountId, set: values });
    await enqueueJob("allocations.run", { subAccountId: p.subAccountId }, { tx, startAfterSeconds: 5 });
    return true;
  });
  if (!saved) return { ok: false, code: "not_found" };
  await handOffJob(db, "allocations.run", { subAccountId: p.subAccountId });
  return { ok: true };
}
