import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { organizations } from "@/db/schema";
import { getAutoRechargeSettings, writeAutoRechargeSettings, type Actor } from "./settings";
import { maybeTriggerRecharge, type TriggerResult } from "./trigger";

/** The owner's "Retry now" during the back-off after a decline: the wait ends (audited) and a recharge due now starts. */
export async function retryAutoRechargeNow(db: Db, p: { orgId: string; actor: Actor }): Promise<TriggerResult> {
  const [org] = await db.select({ plan: organizations.plan }).from(organizations).where(eq(organizations.id, p.orgId));
  if (!org) throw new Error(`org ${p.orgId} not found`);
  await db.transaction(async (tx) => {
    const s = await getAutoRechargeSettings(tx, p.orgId, org.plan, { forUpdate: true });
    if (s.retryNotBefore) await writeAutoRechargeSettings(tx, { orgId: p.orgId, plan: org.plan, patch: { retryNotBefore: null }, actor: p.actor });
  });
  return maybeTriggerRecharge(db, p.orgId);
}
