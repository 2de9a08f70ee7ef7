import type { Db } from "@/db/client";
import { alertsAfterDebit } from "@/lib/alerts/alert-gate";
import { rechargeTiming } from "@/lib/billing/early-trigger";
import { campaignsAfterDebit } from "@/lib/campaigns/campaign-gate";
import type { DebitFlush } from "@/lib/ledger/debit";
import { burnRates } from "@/lib/recharge/burn-rate";
import { maybeTriggerRecharge } from "@/lib/recharge/trigger";
import { maybeRecordPeak } from "@/lib/recharge/usage-peaks";

/** Credits a flush actually debited (refused requests and replays debit nothing). */
function debitedCredits(flush: DebitFlush): number {
  let n = 0;
  for (const r of flush.results) if (r.ok && !r.replayed) n += r.quantity;
  return n;
}

/**
 * After a debit flush commits: feeds the org's burn rate (this process's tracker; the hour's peak is
 * persisted at most every few seconds for the suggested threshold), then decides — with no query, the
 * flush read the org's auto-recharge settings — whether the (locking, exact) trigger needs to run: when
 * auto-recharge is enabled and a recharge is due, i.e. the balance is below the threshold, or the runway
 * at the burn rate is shorter than a recharge takes (rate-aware, early). Exactly-once stays the trigger's job.
 */
export async function afterDebitFlush(db: Db, orgId: string, flush: DebitFlush, nowMs = Date.now()): Promise<void> {
  const tracker = burnRates();
  tracker.recordDebit(orgId, debitedCredits(flush), nowMs);
  const signal = tracker.signal(orgId, nowMs);
  void maybeRecordPeak(db, orgId, signal.ratePerSecond, nowMs);
  alertsAfterDebit(db, orgId, flush.balance.available, nowMs); // no query unless an alert may fire
  campaignsAfterDebit(db, orgId, flush.balance.available, nowMs); // no query unless a campaign may pause
  const settings = flush.autoRecharge;
  if (!settings?.enabled || !rechargeTiming(flush.balance.available, settings.threshold, signal).due) return;
  if (tracker.recentlyOpened(orgId, nowMs)) return; // this process's recharge is in flight: the trigger would say "recharging"
  await maybeTriggerRecharge(db, orgId, { signal });
}
