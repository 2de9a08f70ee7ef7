import type { Db } from "@/db/client";
import { runDueAllocations } from "@/lib/agencies/run-allocations";
import { retryDeclinedAllocationsOnNewCard } from "@/lib/agencies/retry-allocation";
import { alertCheckDone } from "@/lib/alerts/alert-gate";
import { checkBalanceAlerts } from "@/lib/alerts/check-alerts";
import { sweepBalanceAlerts } from "@/lib/alerts/sweep-alerts";
import { pauseLowBalanceCampaigns, sweepCampaignAutopause } from "@/lib/campaigns/autopause";
import { campaignCheckDone } from "@/lib/campaigns/campaign-gate";
import { expireHolds } from "@/lib/ledger/holds";
import { deliverEmail } from "@/lib/notifications/emails";
import { renewFreePeriods } from "@/lib/plans/free-periods";
import { burnRates } from "@/lib/recharge/burn-rate";
import { chargeRechargeAttempt } from "@/lib/recharge/charge-attempt";
import { reconcileRechargeAttempts } from "@/lib/recharge/reconcile";
import { maybeTriggerRecharge } from "@/lib/recharge/trigger";
import { reconcileCheckoutSessions } from "@/lib/billing-events/checkout-settle";
import { reconcileRefundRequests } from "@/lib/billing-events/owner-refund";
import { deliverWebhook, sweepDueDeliveries } from "@/lib/webhooks-out/deliver";
import { issuePurchaseInvoice } from "@/lib/invoices/issue-invoice";
import type { JobName } from "./queue";

/** What each job does (shared by the pg-boss worker and the tests' inline runner). */
export async function runJob(db: Db, name: JobName, data: Record<string, unknown>): Promise<unknown> {
  switch (name) {
    case "recharge.charge": {
      const r = await chargeRechargeAttempt(db, String(data.attemptId));
      // crossing → credit, for the rate-aware trigger's recharge p95 (attempts this process created)
      if (r.status !== "pending" && r.status !== "processing") burnRates().attemptSettled(r.attemptId, r.status === "succeeded");
      return r;
    }
    case "recharge.trigger":
      return maybeTriggerRecharge(db, String(data.orgId));
    case "reconcile":
      return { attempts: await reconcileRechargeAttempts(db), checkouts: await reconcileCheckoutSessions(db), refunds: await reconcileRefundRequests(db) };
    case "email":
      return deliverEmail(db, String(data.emailId));
    case "plans.free-periods":
      return renewFreePeriods(db);
    case "holds.expire":
      return expireHolds(db);
    case "webhooks.deliver":
      return deliverWebhook(db, String(data.deliveryId));
    case "webhooks.sweep":
      return sweepDueDeliveries(db);
    case "invoice.issue":
      return issuePurchaseInvoice(db, String(data.purchaseId));
    case "alerts.check":
      return checkBalanceAlerts(db, String(data.orgId)).finally(() => alertCheckDone(db, String(data.orgId)));
    case "alerts.sweep":
      return sweepBalanceAlerts(db);
    case "campaigns.check":
      return pauseLowBalanceCampaigns(db, String(data.orgId)).finally(() => campaignCheckDone(db, String(data.orgId)));
    case "campaigns.sweep":
      return sweepCampaignAutopause(db);
    case "allocations.run": {
      const subAccountId = typeof data.subAccountId === "string" ? data.subAccountId : undefined;
      const started = await runDueAllocations(db, { subAccountId });
      // the scheduled run also retries, once per new card, a declined month the card's sync could not retry
      if (!subAccountId) await retryDeclinedAllocationsOnNewCard(db);
      return started;
    }
  }
}
