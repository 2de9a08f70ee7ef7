import type { Db } from "@/db/client";
import type { DebitFlush } from "@/lib/ledger/debit";
import { maybeTriggerRecharge } from "@/lib/recharge/trigger";

/**
 * After a debit flush commits: the flush itself read the org's auto-recharge settings, so deciding whether
 * the (locking, exact) trigger needs to run costs no query — it runs only when auto-recharge is enabled and
 * the balance after the flush is below the threshold. Exactly-once stays the trigger's job.
 */
export async function afterDebitFlush(db: Db, orgId: string, flush: DebitFlush): Promise<void> {
  const settings = flush.autoRecharge;
  if (!settings?.enabled || flush.balance.total >= settings.threshold) return;
  await maybeTriggerRecharge(db, orgId);
}
