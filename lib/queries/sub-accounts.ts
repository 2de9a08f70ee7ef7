import { and, desc, eq, gte, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import {
  agencySubAccounts,
  allocationPeriods,
  autoRechargeSettings,
  creditBalances,
  organizations,
  rechargeAttempts,
  stripeCustomers,
  subAccountAllocations,
  usageHourly,
} from "@/db/schema";
import { monthWindow } from "@/lib/billing/cap-window";
import { cardLabel } from "@/lib/billing/consent";
import type { PlanId } from "@/lib/billing/plans";

export interface SubAccountRow {
  id: string;
  name: string;
  slug: string;
  plan: PlanId;
  balance: number;
  usedThisMonth: number;
  autoRecharge: "on" | "off" | "disabled";
  allocation: { basicMinutes: number; premiumMinutes: number };
  /** the latest period bought and how its charge stands */
  lastAllocation: { period: string; status: string } | null;
  /** this month's purchase declined (its latest attempt failed or was canceled): the owner may "Retry now" */
  declinedThisMonth: boolean;
}

/** Is this org an agency (has at least one sub-account)? */
export async function isAgency(db: Db, orgId: string): Promise<boolean> {
  const [row] = await db.select({ id: agencySubAccounts.subAccountId }).from(agencySubAccounts).where(eq(agencySubAccounts.agencyId, orgId)).limit(1);
  return !!row;
}

/**
 * The agency's sub-accounts for the Sub-accounts page: balance, usage this month (its own time zone), auto-recharge,
 * allocation. Read in one REPEATABLE READ snapshot, so a row never shows a month's allocation as succeeded beside the
 * balance from before its credit (the credit and the attempt's status commit together; separate reads could straddle it).
 */
export async function listSubAccounts(db: Db, agencyId: string, now = new Date()): Promise<SubAccountRow[]> {
  return db.transaction((tx) => readSubAccounts(tx, agencyId, now), { isolationLevel: "repeatable read", accessMode: "read only" });
}

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

async function readSubAccounts(db: Tx, agencyId: string, now: Date): Promise<SubAccountRow[]> {
  const subs = await db
    .select({
      id: organizations.id,
      name: organizations.name,
      slug: organizations.slug,
      plan: organizations.plan,
      timeZone: organizations.timeZone,
      balance: sql<number>`COALESCE(${creditBalances.planCredits} + ${creditBalances.topupCredits}, 0)::int`,
      enabled: autoRechargeSettings.enabled,
      disabledReason: autoRechargeSettings.disabledReason,
      basic: subAccountAllocations.basicMinutes,
      premium: subAccountAllocations.premiumMinutes,
    })
    .from(agencySubAccounts)
    .innerJoin(organizations, eq(organizations.id, agencySubAccounts.subAccountId))
    .leftJoin(creditBalances, eq(creditBalances.orgId, organizations.id))
    .leftJoin(autoRechargeSettings, eq(autoRechargeSettings.orgId, organizations.id))
    .leftJoin(subAccountAllocations, eq(subAccountAllocations.subAccountId, organizations.id))
    .where(eq(agencySubAccounts.agencyId, agencyId))
    .orderBy(organizations.name);
  if (subs.length === 0) return [];
  const ids = subs.map((s) => s.id);
  const periods = await db
    .selectDistinctOn([allocationPeriods.subAccountId], {
      subId: allocationPeriods.subAccountId,
      period: allocationPeriods.period,
      status: rechargeAttempts.status,
    })
    .from(allocationPeriods)
    .leftJoin(rechargeAttempts, eq(rechargeAttempts.id, allocationPeriods.attemptId))
    .where(inArray(allocationPeriods.subAccountId, ids))
    .orderBy(allocationPeriods.subAccountId, desc(allocationPeriods.period));
  const rows: SubAccountRow[] = [];
  for (const s of subs) {
    const [used] = await db
      .select({ credits: sql<number>`COALESCE(SUM(${usageHourly.credits}), 0)::bigint` })
      .from(usageHourly)
      .where(and(eq(usageHourly.orgId, s.id), gte(usageHourly.hour, monthWindow(now, s.timeZone).start)));
    const last = periods.find((p) => p.subId === s.id);
    const thisMonth = monthWindow(now, s.timeZone).key;
    rows.push({
      id: s.id,
      name: s.name,
      slug: s.slug,
      plan: s.plan,
      balance: Number(s.balance),
      usedThisMonth: Number(used?.credits ?? 0),
      autoRecharge: s.enabled ? "on" : s.disabledReason ? "disabled" : "off",
      allocation: { basicMinutes: s.basic ?? 0, premiumMinutes: s.premium ?? 0 },
      lastAllocation: last ? { period: last.period, status: last.status ?? "pending" } : null,
      declinedThisMonth: last?.period === thisMonth && (last.status === "failed" || last.status === "canceled"),
    });
  }
  return rows;
}

/** The agency's default card as a label ("Visa •••• 4242"), or null when it has none. */
export async function agencyCardLabel(db: Db, agencyId: string): Promise<string | null> {
  const [c] = await db.select().from(stripeCustomers).where(eq(stripeCustomers.orgId, agencyId));
  if (!c?.defaultPaymentMethodId) return null;
  return cardLabel(c.cardBrand, c.cardLast4) ?? "Card on file";
}
