import { purchaseInvoices } from "@/db/schema";
import type { Tx } from "@/db/client";
import { enqueueJob } from "@/lib/jobs/queue";

/**
 * Called IN the transaction that settled a purchase (the credit): the purchase's invoice row (`pending`) and
 * its durable `invoice.issue` job, written together or not at all. Idempotent (one row per purchase).
 * Returns true when this call queued it (the caller hands the job off after its commit).
 */
export async function queuePurchaseInvoice(
  tx: Tx,
  p: { orgId: string; purchaseId: string; source: "recharge" | "checkout"; paymentIntentId: string | null },
): Promise<boolean> {
  const inserted = await tx
    .insert(purchaseInvoices)
    .values({ purchaseId: p.purchaseId, orgId: p.orgId, source: p.source, paymentIntentId: p.paymentIntentId })
    .onConflictDoNothing()
    .returning({ purchaseId: purchaseInvoices.purchaseId });
  if (inserted.length === 0) return false;
  await enqueueJob("invoice.issue", { purchaseId: p.purchaseId }, { tx, singletonKey: `invoice:${p.purchaseId}`, startAfterSeconds: 5 });
  return true;
}
