import type { Metadata } from "next";
import { and, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { checkoutSessions } from "@/db/schema";
import { AskOwnerButton } from "@/components/billing/ask-owner-button";
import { AutoRefresh } from "@/components/billing/auto-refresh";
import { BalanceAlertsCard } from "@/components/billing/balance-alerts-card";
import { BillingDetailsCard } from "@/components/billing/billing-details-card";
import { AutoRechargeSection } from "@/components/billing/auto-recharge-section";
import { BackupCardPicker } from "@/components/billing/backup-card-picker";
import { formatDateTime } from "@/lib/format";
import { listOrgCards } from "@/lib/recharge/backup-card";
import { CreditsTile } from "@/components/billing/credits-tile";
import { IncidentBanners, type IncidentBanner } from "@/components/billing/incident-banners";
import { LedgerHistory } from "@/components/billing/ledger-history";
import { PacksDialog } from "@/components/billing/packs-dialog";
import { cardLabel, PaymentMethodCard } from "@/components/billing/payment-method-card";
import { PaymentHistory } from "@/components/billing/payment-history";
import { PlanCard } from "@/components/billing/plan-card";
import { CheckoutReturnBanner, VerificationReturnBanner, ZeroBalanceBanner } from "@/components/billing/status-banners";
import {
  OWNER_ONLY_AUTO_RECHARGE,
  OWNER_ONLY_BALANCE_ALERTS,
  OWNER_ONLY_BILLING_DETAILS,
  OWNER_ONLY_BUY,
  OWNER_ONLY_PAYMENT,
  OWNER_ONLY_REFUND,
} from "@/lib/billing/messages";
import { UsageCard } from "@/components/billing/usage-card";
import { MeterUsageCard } from "@/components/billing/meter-usage-card";
import { loadMeterUsage } from "@/lib/queries/usage-summary";
import { INCIDENT_ACTIONS } from "@/lib/billing/incident-actions";
import { requireMember } from "@/lib/auth/guards";
import { syncCheckoutReturn } from "@/lib/billing-events/checkout-return";
import { CURRENCY } from "@/lib/billing/plans";
import { formatPackPrice, formatPerCreditRate, type PackPricing } from "@/lib/billing/money";
import { loadBillingPage, type IncidentView } from "@/lib/queries/billing-page";
import { listLedgerEntries } from "@/lib/queries/ledger-history";
import { getBillingDetails } from "@/lib/stripe/billing-details";
import { getBalanceAlertSettings } from "@/lib/alerts/alert-settings";
import { parseCheckoutSessionId, parseLedgerCursor } from "@/lib/validation/ids";
import { addCardAction } from "./actions/add-card";
import { buyCreditsAction } from "./actions/buy-credits";
import { dismissIncidentAction } from "./actions/dismiss-incident";
import { managePlanAction } from "./actions/manage-plan";
import { refundPurchaseAction } from "./actions/refund-purchase";
import { requestTopUpAction } from "./actions/request-top-up";
import { saveBalanceAlertsAction } from "./actions/save-balance-alerts";
import { saveBillingDetailsAction } from "./actions/save-billing-details";
import { retryAutoRechargeAction } from "./actions/retry-auto-recharge";
import { saveAutoRechargeAction } from "./actions/save-auto-recharge";
import { setBackupCardAction } from "./actions/set-backup-card";
import { topUpNowAction } from "./actions/top-up-now";
import { upgradePlanAction } from "./actions/upgrade-plan";
import { HydrationMark } from "@/components/ui/hydration-mark";

export const metadata: Metadata = { title: "Billing" };

type Search = { before?: string; checkout?: string; setup?: string; upgrade?: string; session_id?: string; verify?: string; usage_by?: string };

function incidentFix(i: IncidentView, base: string): IncidentBanner["fix"] {
  switch (INCIDENT_ACTIONS[i.kind]) {
    case "set_up_card":
      return { label: "Set up card", href: "#payment-method" };
    case "update_payment_method":
      return { label: "Update payment method", href: "#payment-method" };
    case "complete_verification":
      return i.attemptId ? { label: "Complete verification", href: `${base}/verify/${i.attemptId}` } : null;
    case "retry_now":
      return { label: "Retry now", href: "#credits" };
    case "raise_spending_limit":
      return { label: "Raise the limit", href: "#auto-recharge" };
    case "buy_credits":
      return { label: "Buy credits", href: "#credits" };
  }
}

export default async function BillingPage({ params, searchParams }: { params: Promise<{ org: string }>; searchParams: Promise<Search> }) {
  const { org: slug } = await params;
  const search = await searchParams;
  const { org, role } = await requireMember(slug);
  const isOwner = role === "owner";
  const db = getDb();
  const base = `/${slug}/settings/billing`;
  const beforeId = parseLedgerCursor(search.before);
  const sessionId = parseCheckoutSessionId(search.session_id);
  // Back from Checkout (credits, card setup, subscription): converge from Stripe now, as the webhook and the sweep do.
  if (sessionId && (search.checkout === "success" || search.setup === "success" || search.upgrade === "success")) {
    await syncCheckoutReturn(db, { orgId: org.id, sessionId }).catch(() => null);
  }
  const [data, ledger, billingDetails, savedCards, alerts, meterUsage] = await Promise.all([
    loadBillingPage(db, org),
    listLedgerEntries(db, org.id, { before: beforeId }),
    getBillingDetails(db, org.id),
    listOrgCards(db, org.id).catch(() => []), // Stripe unreachable: the backup chooser shows no cards
    getBalanceAlertSettings(db, org.id),
    loadMeterUsage(db, org.id, typeof search.usage_by === "string" ? search.usage_by : null, new Date()),
  ]);
  const { plan, balance, settings } = data;

  const returnKind =
    search.checkout === "success"
      ? "payment"
      : search.setup === "success"
        ? "setup"
        : search.upgrade === "success"
          ? "upgrade"
          : search.checkout === "canceled" || search.setup === "canceled"
            ? "canceled"
            : null;
  let returnPending = false;
  if (returnKind && returnKind !== "canceled" && sessionId) {
    const [row] = await db
      .select({ completedAt: checkoutSessions.completedAt })
      .from(checkoutSessions)
      .where(and(eq(checkoutSessions.id, sessionId), eq(checkoutSessions.orgId, org.id)));
    returnPending = !!row && !row.completedAt;
  }

  const pricing: PackPricing = {
    planName: plan.name,
    planId: plan.id,
    packCredits: plan.packCredits,
    packPriceCents: plan.packPriceCents,
    currency: CURRENCY,
    perCreditRate: formatPerCreditRate(plan),
    packPriceLabel: formatPackPrice(plan),
  };
  // a declined auto-recharge waits: its banner says when the next try is
  const nextTry =
    data.status === "backing_off" && settings.retryNotBefore
      ? ` Auto-recharge tries again at ${formatDateTime(settings.retryNotBefore, org.timeZone)} — or update your card or press Retry now.`
      : "";
  const incidents: IncidentBanner[] = data.incidents.map((i) => ({
    id: i.id,
    kind: i.kind,
    message: i.kind === "card_declined" ? i.message + nextTry : i.message,
    createdAt: i.createdAt.toISOString(),
    fix: incidentFix(i, base),
  }));
  const autoOn = data.status === "active" || data.status === "recharging";
  // peak burn rate × recharge time × safety (lib/billing/early-trigger.ts), one typical hour until a peak is measured
  const suggested = data.burnRate.suggestedThreshold.credits;
  const lastAuto = data.payments.find((p) => p.kind === "auto");
  const lastProblem =
    lastAuto && (lastAuto.status === "failed" || lastAuto.status === "requires_action")
      ? { date: lastAuto.date, label: lastAuto.status === "failed" ? "Failed" : "Waiting for verification", message: lastAuto.failureMessage }
      : null;

  const creditActions = isOwner ? (
    <>
      <PacksDialog
        mode="topup"
        pricing={pricing}
        action={topUpNowAction.bind(null, slug)}
        cardLabel={data.card ? cardLabel(data.card) : undefined}
        disabledReason={data.card ? undefined : "Add a card to top up now."}
      />
      <PacksDialog mode="buy" pricing={pricing} action={buyCreditsAction.bind(null, slug)} />
    </>
  ) : (
    <>
      <PacksDialog mode="buy" pricing={pricing} action={buyCreditsAction.bind(null, slug)} disabledReason={OWNER_ONLY_BUY} />
      <AskOwnerButton action={requestTopUpAction.bind(null, slug)} />
    </>
  );

  return (
    <div className="space-y-6">
      <HydrationMark />
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Billing</h1>
          <p className="text-sm text-slate-600">
            Credits, auto-recharge and payments for {org.name}. Times and monthly limits are in {org.timeZone.replace(/_/g, " ")}.
          </p>
        </div>
        {!isOwner ? (
          <p className="rounded-md bg-slate-100 px-3 py-1.5 text-sm text-slate-700" data-testid="read-only-note">
            You're an editor: this page is read-only.
          </p>
        ) : null}
      </div>

      {returnKind ? <CheckoutReturnBanner kind={returnKind} pending={returnPending} /> : null}
      {returnPending || data.status === "recharging" || data.payments.some((p) => p.status === "processing" || p.status === "pending") ? <AutoRefresh /> : null}
      {search.verify ? <VerificationReturnBanner status={search.verify} /> : null}
      {balance.total <= 0 && balance.graceCredits === 0 && !autoOn ? (
        <ZeroBalanceBanner isOwner={isOwner} autoRechargeAllowed={plan.autoRechargeAllowed} />
      ) : null}
      <IncidentBanners incidents={incidents} dismissAction={dismissIncidentAction.bind(null, slug)} canDismiss={isOwner} timeZone={org.timeZone} />

      <CreditsTile {...balance} timeZone={org.timeZone} actions={creditActions} />

      <div className="grid gap-6 lg:grid-cols-2">
        <PlanCard
          plan={plan}
          subscription={data.subscription}
          timeZone={org.timeZone}
          upgradeActions={isOwner ? { starter: upgradePlanAction.bind(null, slug, "starter"), pro: upgradePlanAction.bind(null, slug, "pro") } : undefined}
          manageAction={isOwner ? managePlanAction.bind(null, slug) : undefined}
          disabledReason={isOwner ? undefined : OWNER_ONLY_PAYMENT}
        />
        <PaymentMethodCard
          card={data.card}
          action={isOwner ? addCardAction.bind(null, slug) : undefined}
          disabledReason={isOwner ? undefined : OWNER_ONLY_PAYMENT}
          backup={
            data.card && plan.autoRechargeAllowed ? (
              <BackupCardPicker
                cards={savedCards
                  .filter((c) => !c.isDefault)
                  .map((c) => ({ id: c.id, label: c.label, expires: `${String(c.expMonth).padStart(2, "0")}/${c.expYear}` }))}
                backupId={settings.backupPaymentMethodId}
                action={isOwner ? setBackupCardAction.bind(null, slug) : undefined}
                disabledReason={isOwner ? undefined : OWNER_ONLY_PAYMENT}
              />
            ) : null
          }
        />
      </div>

      <AutoRechargeSection
        planId={plan.id}
        autoRechargeAllowed={plan.autoRechargeAllowed}
        pricing={pricing}
        settings={{
          enabled: settings.enabled && !settings.disabledReason,
          threshold: settings.threshold,
          rechargePacks: settings.rechargePacks,
          rechargeTo: settings.rechargeTo,
          maxRechargesPerMonth: settings.maxRechargesPerMonth,
          monthlyLimitCents: settings.spendingLimitCents,
          spendingAlertPercent: settings.spendingAlertPercent,
          graceEnabled: settings.graceEnabled,
        }}
        spendThisMonthCents={data.spendThisMonthCents}
        status={data.status}
        rechargeUnconfirmed={data.rechargeUnconfirmed}
        rechargesThisMonth={data.rechargesThisMonth}
        monthEndsAt={data.monthEndsAt}
        lastRechargedAt={data.lastRechargedAt}
        lastProblem={lastProblem}
        timeZone={org.timeZone}
        balanceTotal={balance.total}
        suggestedThreshold={suggested}
        suggestedReason={data.burnRate.suggestedThreshold.reason}
        earlyRechargeMessage={data.burnRate.earlyRecharge.message}
        maxRechargesCeiling={Math.max(1, plan.maxRechargesPerMonthCeiling)}
        upgradeHref="#plan"
        action={saveAutoRechargeAction.bind(null, slug)}
        disabledReason={isOwner ? undefined : OWNER_ONLY_AUTO_RECHARGE}
        formContext={{ saved: settings, cardLabel: data.cardLabel, backupCardLabel: settings.backupCardLabel }}
        retryAt={data.status === "backing_off" ? settings.retryNotBefore : null}
        retryAction={isOwner ? retryAutoRechargeAction.bind(null, slug) : undefined}
      />

      <UsageCard
        daily={data.dailyUsage}
        planAllotment={balance.planAllotment}
        planCredits={balance.planCredits}
        planResetsAt={balance.planResetsAt}
        balanceTotal={balance.total}
        timeZone={org.timeZone}
        showSuggestion={plan.autoRechargeAllowed}
        suggestion={data.burnRate.suggestedThreshold}
      />

      <MeterUsageCard {...meterUsage} />

      <BalanceAlertsCard
        thresholds={alerts.thresholds}
        recipients={alerts.recipients}
        isDefault={!alerts.configured}
        available={balance.available}
        action={isOwner ? saveBalanceAlertsAction.bind(null, slug) : undefined}
        disabledReason={isOwner ? undefined : OWNER_ONLY_BALANCE_ALERTS}
      />
      <PaymentHistory
        rows={data.payments}
        timeZone={org.timeZone}
        verifyBase={`${base}/verify`}
        invoiceBase={`${base}/invoices`}
        refundAction={isOwner ? refundPurchaseAction.bind(null, slug) : undefined}
        refundDisabledReason={isOwner ? undefined : OWNER_ONLY_REFUND}
      />
      <BillingDetailsCard
        details={billingDetails}
        orgName={org.name}
        action={isOwner ? saveBillingDetailsAction.bind(null, slug) : undefined}
        disabledReason={isOwner ? undefined : OWNER_ONLY_BILLING_DETAILS}
      />
      <LedgerHistory page={ledger} basePath={base} timeZone={org.timeZone} exportHref={`${base}/export`} />
    </div>
  );
}
