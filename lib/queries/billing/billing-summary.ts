import { and, desc, eq, gte, isNotNull, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { checkoutSessions, organizations, stripeCustomers, subscriptions, usageHourly } from "@/db/schema";
import { formatPackPrice, formatPerCreditRate } from "@/lib/billing/money";
import { getPlan } from "@/lib/billing/plans";
import { getBalance } from "@/lib/ledger";
import { listOpenIncidents } from "@/lib/notifications/incidents";

/** Plan, subscription and balance for the Billing page header. */
export async function getPlanSummary(db: DbOrTx, orgId: string) {
  const [org] = await db.select().from(organizations).where(eq(organizations.id, orgId));
  if (!org) throw new Error(`org ${orgId} not found`);
  const plan = getPlan(org.plan);
  const [sub] = await db.select().from(subscriptions).where(eq(subscriptions.orgId, orgId)).orderBy(desc(subscriptions.updatedAt)).limit(1);
  const balance = await getBalance(db, orgId);
  return {
    plan: { id: plan.id, name: plan.name, monthlyPriceCents: plan.monthlyPriceCents, monthlyCredits: plan.monthlyCredits, packCredits: plan.packCredits, packPriceCents: plan.packPriceCents, perCreditRate: formatPerCreditRate(plan), packPrice: formatPackPrice(plan), autoRechargeAllowed: plan.autoRechargeAllowed },
    subscription: sub ? { id: sub.id, status: sub.status, currentPeriodEnd: sub.currentPeriodEnd?.toISOString() ?? null, cancelAtPeriodEnd: sub.cancelAtPeriodEnd } : null,
    balance: { planCredits: balance.planCredits, topupCredits: balance.topupCredits, total: balance.total, planAllotment: balance.planAllotment, planResetsAt: balance.planResetsAt?.toISOString() ?? null },
    timeZone: org.timeZone,
  };
}

/** The default card, or null ("No payment method"). */
export async function getDefaultCard(db: DbOrTx, orgId: string) {
  const [c] = await db.select().from(stripeCustomers).where(eq(stripeCustomers.orgId, orgId));
  if (!c?.defaultPaymentMethodId) return null;
  return { brand: c.cardBrand, last4: c.cardLast4, expMonth: c.cardExpMonth, expYear: c.cardExpYear };
}

/** Open (not dismissed) billing incidents, newest first; `action` says which fix the banner offers. */
export async function getOpenIncidents(db: DbOrTx, orgId: string) {
  const actions = {
    no_payment_method: "set_up_card",
    card_declined: "update_payment_method",
    verification_needed: "complete_verification",
    internal_error: "retry_now",
    disabled_after_failures: "update_payment_method",
    spending_limit_reached: "raise_spending_limit",
    monthly_cap_reached: "raise_spending_limit",
  } as const;
  const rows = await listOpenIncidents(db, orgId);
  return rows.map((r) => ({ id: r.id, kind: r.kind, message: r.message, attemptId: r.attemptId, action: actions[r.kind], createdAt: r.createdAt.toISOString() }));
}

/** Completed Buy Credits purchases (Checkout), newest first. */
export async function listPurchases(db: DbOrTx, orgId: string, limit = 20) {
  const rows = await db
    .select()
    .from(checkoutSessions)
    .where(and(eq(checkoutSessions.orgId, orgId), eq(checkoutSessions.mode, "payment"), isNotNull(checkoutSessions.completedAt)))
    .orderBy(desc(checkoutSessions.completedAt))
    .limit(limit);
  return rows.map((r) => ({ id: r.id, date: r.completedAt!.toISOString(), packs: r.packs!, credits: r.credits!, amountCents: r.amountCents!, currency: r.currency }));
}

/** Credits used per UTC day for the last `days` days (missing days are 0), from the hourly rollup. */
export async function getUsagePerDay(db: DbOrTx, orgId: string, opts: { days?: number; now?: Date } = {}) {
  const days = opts.days ?? 30;
  const now = opts.now ?? new Date();
  const since = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (days - 1)));
  const rows = await db
    .select({ day: sql<string>`to_char(${usageHourly.hour} AT TIME ZONE 'UTC', 'YYYY-MM-DD')`, credits: sql<number>`sum(${usageHourly.credits})::int` })
    .from(usageHourly)
    .where(and(eq(usageHourly.orgId, orgId), gte(usageHourly.hour, since)))
    .groupBy(sql`1`);
  const byDay = new Map(rows.map((r) => [r.day, r.credits]));
  return Array.from({ length: days }, (_, i) => {
    const d = new Date(since.getTime() + i * 86400_000).toISOString().slice(0, 10);
    return { date: d, credits: byDay.get(d) ?? 0 };
  });
}
