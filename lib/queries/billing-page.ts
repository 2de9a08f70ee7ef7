import { and, desc, eq, gte, inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { checkoutSessions, rechargeAttempts, refundRequests, subscriptions, usageHourly, type Organization } from "@/db/schema";
import type { IncidentKind } from "@/lib/billing/incident-actions";
import type { AutoRechargeStatus } from "@/lib/billing/auto-recharge-status";
import { declineMessage } from "@/lib/billing/decline-messages";
import { getPlan, type Plan } from "@/lib/billing/plans";
import { canRefundPurchase } from "@/lib/billing/refund-credits";
import { usageDays } from "@/lib/billing/usage-days";
import { getBalance, type Balance } from "@/lib/ledger";
import { listOpenIncidents } from "@/lib/notifications/incidents";
import type { BurnRateOverview } from "@/lib/recharge/burn-rate-status";
import type { AutoRechargeSettings } from "@/lib/recharge/settings";
import { LIVE_SUBSCRIPTION_STATUSES } from "@/lib/stripe/sync-customer";
import { loadAutoRechargeReadModel } from "./billing/auto-recharge-overview";
import { getDefaultCard, type CardSummary } from "./billing/billing-summary";

export type { CardSummary };

export interface SubscriptionSummary {
  status: string;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
}

export interface DailyUsage {
  /** YYYY-MM-DD in the org's time zone */
  day: string;
  credits: number;
}

export interface PaymentRow {
  id: string;
  /** `allocation`: an agency's monthly auto allocation for a sub-account (its credits are the sub-account's: not refundable here) */
  kind: "auto" | "manual" | "purchase" | "allocation";
  date: Date;
  credits: number;
  amountCents: number;
  currency: string;
  status: string;
  failureMessage: string | null;
  /** verification link target for requires_action attempts */
  attemptId: string | null;
  /** paid: the purchase has an invoice (or, until it is issued, a receipt) behind the stable invoice link */
  hasInvoice: boolean;
  /** an owner refund of this purchase was requested (pending or succeeded) */
  refunded: boolean;
  /** succeeded, not refunded, and its credits still unspent in the top-up pool (`canRefundPurchase`) */
  refundable: boolean;
}

export interface IncidentView {
  id: string;
  kind: IncidentKind;
  message: string;
  attemptId: string | null;
  createdAt: Date;
}

export interface BillingPageData {
  plan: Plan;
  subscription: SubscriptionSummary | null;
  card: CardSummary | null;
  balance: Balance;
  settings: AutoRechargeSettings;
  status: AutoRechargeStatus;
  /** the default card, "Visa •••• 4242" (null: none) */
  cardLabel: string | null;
  /** the open recharge's charge outcome is unknown: Stripe is being asked */
  rechargeUnconfirmed: boolean;
  rechargesThisMonth: number;
  spendThisMonthCents: number;
  /** first instant of next month in the org's time zone (when a paused cap lifts) */
  monthEndsAt: Date;
  lastRechargedAt: Date | null;
  incidents: IncidentView[];
  dailyUsage: DailyUsage[];
  payments: PaymentRow[];
  /** an open (pending/processing) attempt id of any trigger, so the page can say "being added" */
  requiresActionAttemptId: string | null;
  /**
   * the rate-aware trigger: burn rate, `earlyRecharge.message` ("Recharging early: at 700 credits/s your
   * 100-credit threshold lasts 0.14 s.") and `suggestedThreshold` (peak rate × recharge time × safety)
   */
  burnRate: BurnRateOverview;
}

/** Everything the Billing page shows, read in parallel through `orgId`-scoped queries. */
export async function loadBillingPage(db: DbOrTx, org: Organization, opts: { now?: Date } = {}): Promise<BillingPageData> {
  const now = opts.now ?? new Date();
  const [auto, balance, sub, card, incidents, dailyUsage, payments] = await Promise.all([
    loadAutoRechargeReadModel(db, org.id, { now }),
    getBalance(db, org.id),
    currentSubscription(db, org.id),
    getDefaultCard(db, org.id),
    listOpenIncidents(db, org.id),
    dailyUsageLast30Days(db, org.id, org.timeZone, now),
    listPayments(db, org.id, 20),
  ]);
  const refundableRows = payments.map((p) => ({
    ...p,
    refundable: p.refundable && canRefundPurchase({ credits: p.credits, topupCredits: balance.topupCredits, alreadyRefunded: p.refunded }).ok,
  }));
  const requiresAction = payments.find((p) => p.status === "requires_action" && p.kind !== "purchase");
  return {
    plan: getPlan(org.plan),
    subscription: sub,
    card,
    balance,
    settings: auto.settings,
    status: auto.status,
    cardLabel: auto.cardLabel,
    rechargeUnconfirmed: !!auto.facts.openAttemptUnconfirmed,
    rechargesThisMonth: auto.month.recharges,
    spendThisMonthCents: auto.month.spendCents,
    monthEndsAt: auto.window.end,
    lastRechargedAt: auto.lastRechargedAt,
    incidents,
    dailyUsage,
    payments: refundableRows,
    requiresActionAttemptId: requiresAction?.attemptId ?? null,
    burnRate: auto.burnRate,
  };
}

async function currentSubscription(db: DbOrTx, orgId: string): Promise<SubscriptionSummary | null> {
  const [row] = await db
    .select({ status: subscriptions.status, currentPeriodEnd: subscriptions.currentPeriodEnd, cancelAtPeriodEnd: subscriptions.cancelAtPeriodEnd })
    .from(subscriptions)
    .where(and(eq(subscriptions.orgId, orgId), inArray(subscriptions.status, LIVE_SUBSCRIPTION_STATUSES)))
    .orderBy(desc(subscriptions.updatedAt))
    .limit(1);
  return row ?? null;
}

/**
 * Credits used per day (usage debits) for the last 30 calendar days in the org's time zone (today included),
 * zero-filled, each day once also across DST changes (`usageDays`). Reads the hourly rollup `usage_hourly`
 * (≤ 720 rows), so the cost does not grow with the org's usage volume.
 */
export async function dailyUsageLast30Days(db: DbOrTx, orgId: string, timeZone: string, now: Date): Promise<DailyUsage[]> {
  const { days, since } = usageDays(now, timeZone, 30);
  const day = sql<string>`to_char(${usageHourly.hour} at time zone ${timeZone}, 'YYYY-MM-DD')`;
  const rows = await db
    .select({ day, credits: sql<number>`coalesce(sum(${usageHourly.credits}), 0)::int` })
    .from(usageHourly)
    .where(and(eq(usageHourly.orgId, orgId), gte(usageHourly.hour, since)))
    .groupBy(sql`1`);
  const byDay = new Map(rows.map((r) => [r.day, r.credits]));
  return days.map((key) => ({ day: key, credits: byDay.get(key) ?? 0 }));
}

/** Recharges (auto + Top Up Now) and Checkout purchases, newest first. */
async function listPayments(db: DbOrTx, orgId: string, limit = 20): Promise<PaymentRow[]> {
  const [attempts, purchases] = await Promise.all([
    db.select().from(rechargeAttempts).where(eq(rechargeAttempts.orgId, orgId)).orderBy(desc(rechargeAttempts.createdAt)).limit(limit),
    db
      .select()
      .from(checkoutSessions)
      .where(and(eq(checkoutSessions.orgId, orgId), eq(checkoutSessions.mode, "payment")))
      .orderBy(desc(checkoutSessions.createdAt))
      .limit(limit),
  ]);
  const rows: PaymentRow[] = [
    ...attempts.map((a) => ({
      id: a.id,
      kind: a.creditOrgId && a.creditOrgId !== a.orgId ? ("allocation" as const) : a.trigger,
      date: a.createdAt,
      credits: a.credits,
      amountCents: a.amountCents,
      currency: a.currency,
      status: a.status,
      failureMessage: a.status === "failed" || a.status === "requires_action" ? (a.failureMessage ?? declineMessage(a.failureCode, a.declineCode)) : null,
      attemptId: a.id,
      hasInvoice: a.status === "succeeded",
      refunded: false,
      refundable: false,
    })),
    ...purchases.map((p) => ({
      id: p.id,
      kind: "purchase" as const,
      date: p.createdAt,
      credits: p.credits ?? 0,
      amountCents: p.amountCents ?? 0,
      currency: p.currency,
      status: p.completedAt ? "succeeded" : "open",
      failureMessage: null,
      attemptId: null,
      hasInvoice: !!p.completedAt,
      refunded: false,
      refundable: false,
    })),
  ];
  const newest = rows.sort((a, b) => b.date.getTime() - a.date.getTime()).slice(0, limit);
  const ids = newest.map((r) => r.id);
  const refunds = ids.length
    ? await db
        .select({ purchaseId: refundRequests.purchaseId, status: refundRequests.status })
        .from(refundRequests)
        .where(and(eq(refundRequests.orgId, orgId), inArray(refundRequests.purchaseId, ids)))
    : [];
  const refunded = new Set(refunds.filter((r) => r.status !== "failed").map((r) => r.purchaseId));
  const requested = new Set(refunds.map((r) => r.purchaseId));
  // refundable here = paid and never refunded; the loader adds the unspent-credits rule
  return newest.map((r) => ({
    ...r,
    refunded: refunded.has(r.id),
    refundable: r.status === "succeeded" && r.kind !== "allocation" && r.credits > 0 && !requested.has(r.id),
  }));
}

export type { Organization };
