import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { autoRechargeSettings } from "@/db/schema";
import type { DebitResult } from "@/lib/ledger";
import { maybeTriggerRecharge } from "@/lib/recharge/trigger";

/**
 * After a debit flush commits: one primary-key read of the org's auto-recharge settings decides whether
 * the (locking, exact) trigger needs to run at all — it does only when auto-recharge is enabled and the
 * balance after the flush is below the threshold. Exactly-once stays the trigger's job.
 */
export async function afterDebitFlush(db: Db, orgId: string, results: readonly DebitResult[]): Promise<void> {
  const last = results[results.length - 1];
  if (!last) return;
  const [settings] = await db
    .select({ enabled: autoRechargeSettings.enabled, threshold: autoRechargeSettings.threshold })
    .from(autoRechargeSettings)
    .where(eq(autoRechargeSettings.orgId, orgId));
  if (!settings?.enabled || last.balance.total >= settings.threshold) return;
  await maybeTriggerRecharge(db, orgId);
}
