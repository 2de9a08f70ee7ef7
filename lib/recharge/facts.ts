import { and, desc, eq, gte, inArray, lt, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { organizations, rechargeAttempts, stripeCustomers, type Organization } from "@/db/schema";
import { autoRechargeStatus, type AutoRechargeFacts, type AutoRechargeStatus } from "@/lib/billing/auto-recharge-status";
import { monthWindow, type MonthWindow } from "@/lib/billing/cap-window";
import { cardLabel } from "@/lib/billing/consent";
import { hasActiveSubscription } from "@/lib/stripe/sync-customer";
import { getAutoRechargeSettings, type AutoRechargeSettings } from "./settings";
import { appNow } from "@/lib/clock";

/** Attempt statuses that count towards the monthly cap and spending limit (succeeded + in flight). */
const COUNTED_STATUSES = ["pending", "processing", "requires_action", "succeeded"] as const;
const OPEN_STATUSES = ["pending", "processing", "requires_action"] as const;

export interface MonthUsage {
  recharges: number;
  spendCents: number;
}

/** Auto-recharges this calendar month (index range scan on org, trigger, created_at). */
export async function countAutoRechargesInWindow(db: DbOrTx, orgId: string, window: MonthWindow): Promise<MonthUsage> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int`, cents: sql<number>`coalesce(sum(${rechargeAttempts.amountCents}), 0)::int` })
    .from(rechargeAttempts)
    .where(
      and(
        eq(rechargeAttempts.orgId, orgId),
        eq(rechargeAttempts.trigger, "auto"),
        gte(rechargeAttempts.createdAt, window.start),
        lt(rechargeAttempts.createdAt, window.end),
        inArray(rechargeAttempts.status, [...COUNTED_STATUSES]),
      ),
    );
  return { recharges: row?.n ?? 0, spendCents: row?.cents ?? 0 };
}

export async function findOpenAutoAttempt(db: DbOrTx, orgId: string) {
  const [row] = await db
    .select({ id: rechargeAttempts.id, status: rechargeAttempts.status, outcomeUnknownSince: rechargeAttempts.outcomeUnknownSince })
    .from(rechargeAttempts)
    .where(and(eq(rechargeAttempts.orgId, orgId), eq(rechargeAttempts.trigger, "auto"), inArray(rechargeAttempts.status, [...OPEN_STATUSES])))
    .limit(1);
  return row ?? null;
}

/** When credits last landed from a recharge (auto or manual), or null. */
export async function lastRechargedAt(db: DbOrTx, orgId: string): Promise<Date | null> {
  const [row] = await db
    .select({ at: rechargeAttempts.completedAt })
    .from(rechargeAttempts)
    .where(and(eq(rechargeAttempts.orgId, orgId), eq(rechargeAttempts.status, "succeeded")))
    .orderBy(desc(rechargeAttempts.completedAt))
    .limit(1);
  return row?.at ?? null;
}

/** What auto-recharge is doing for one org: the facts the pure rules read, and the status they give. */
export interface AutoRechargeState {
  org: Organization;
  settings: AutoRechargeSettings;
  facts: AutoRechargeFacts;
  /** `autoRechargeStatus(facts)`: what the Billing page, `GET /api/v1/billing/auto-topup` and the trigger say */
  status: AutoRechargeStatus;
  /** this calendar month in the org's time zone (the cap and spending-limit window) */
  window: MonthWindow;
  /** auto-recharges counted in `window` (succeeded or in flight) and their cents */
  month: MonthUsage;
  /** "Visa •••• 4242": the default card (null: none) */
  cardLabel: string | null;
}

/**
 * THE read model of auto-recharge, read from our tables (no Stripe call): the page and the API
 * (lib/queries/billing/auto-recharge-overview.ts), the trigger and the settings save all load it here.
 * `settings`: already read (e.g. locked) by the caller. Throws when the org does not exist.
 */
export async function loadAutoRechargeState(db: DbOrTx, orgId: string, opts: { now?: Date; settings?: AutoRechargeSettings } = {}): Promise<AutoRechargeState> {
  const [org] = await db.select().from(organizations).where(eq(organizations.id, orgId));
  if (!org) throw new Error(`org ${orgId} not found`);
  const settings = opts.settings ?? (await getAutoRechargeSettings(db, orgId, org.plan));
  const now = opts.now ?? appNow();
  const window = monthWindow(now, org.timeZone);
  const [month, open, activeSub, [customer]] = await Promise.all([
    countAutoRechargesInWindow(db, orgId, window),
    findOpenAutoAttempt(db, orgId),
    hasActiveSubscription(db, orgId),
    db
      .select({ pm: stripeCustomers.defaultPaymentMethodId, brand: stripeCustomers.cardBrand, last4: stripeCustomers.cardLast4 })
      .from(stripeCustomers)
      .where(eq(stripeCustomers.orgId, orgId)),
  ]);
  const facts: AutoRechargeFacts = {
    plan: org.plan,
    hasActiveSubscription: activeSub,
    hasPaymentMethod: !!customer?.pm,
    enabled: settings.enabled,
    disabledAfterFailures: !!settings.disabledReason,
    threshold: settings.threshold,
    rechargePacks: settings.rechargePacks,
    rechargeTo: settings.rechargeTo,
    maxRechargesPerMonth: settings.maxRechargesPerMonth,
    spendingLimitCents: settings.spendingLimitCents,
    rechargesThisMonth: month.recharges,
    spendThisMonthCents: month.spendCents,
    openAttempt: (open?.status as AutoRechargeFacts["openAttempt"]) ?? null,
    openAttemptUnconfirmed: !!open?.outcomeUnknownSince,
    retryNotBefore: settings.retryNotBefore,
    now,
  };
  const card = customer?.pm ? cardLabel(customer.brand, customer.last4) : null;
  return { org, settings, facts, status: autoRechargeStatus(facts), window, month, cardLabel: card };
}
