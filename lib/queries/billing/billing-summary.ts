import { desc, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { organizations, stripeCustomers, subscriptions } from "@/db/schema";
import { INCIDENT_ACTIONS } from "@/lib/billing/incident-actions";
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
    plan: {
      id: plan.id,
      name: plan.name,
      monthlyPriceCents: plan.monthlyPriceCents,
      monthlyCredits: plan.monthlyCredits,
      packCredits: plan.packCredits,
      packPriceCents: plan.packPriceCents,
      perCreditRate: formatPerCreditRate(plan),
      packPrice: formatPackPrice(plan),
      autoRechargeAllowed: plan.autoRechargeAllowed,
    },
    subscription: sub
      ? { id: sub.id, status: sub.status, currentPeriodEnd: sub.currentPeriodEnd?.toISOString() ?? null, cancelAtPeriodEnd: sub.cancelAtPeriodEnd }
      : null,
    balance: {
      planCredits: balance.planCredits,
      topupCredits: balance.topupCredits,
      total: balance.total,
      planAllotment: balance.planAllotment,
      planResetsAt: balance.planResetsAt?.toISOString() ?? null,
    },
    timeZone: org.timeZone,
  };
}

export interface CardSummary {
  brand: string;
  last4: string;
  expMonth: number | null;
  expYear: number | null;
}

/** The default card, or null ("No payment method"). */
export async function getDefaultCard(db: DbOrTx, orgId: string): Promise<CardSummary | null> {
  const [c] = await db.select().from(stripeCustomers).where(eq(stripeCustomers.orgId, orgId));
  if (!c?.defaultPaymentMethodId || !c.cardLast4) return null;
  return { brand: c.cardBrand ?? "card", last4: c.cardLast4, expMonth: c.cardExpMonth, expYear: c.cardExpYear };
}

/** Open (not dismissed) billing incidents, newest first; `action` says which fix the banner offers. */
export async function getOpenIncidents(db: DbOrTx, orgId: string) {
  const rows = await listOpenIncidents(db, orgId);
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    message: r.message,
    attemptId: r.attemptId,
    action: INCIDENT_ACTIONS[r.kind],
    createdAt: r.createdAt.toISOString(),
  }));
}
