import { and, desc, eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { organizations, rechargeAttempts, stripeCustomers } from "@/db/schema";
import { decideGrace, GRACE_MESSAGES, type GraceDecision, type GraceFacts } from "@/lib/billing/grace";
import { getAutoRechargeSettings, type AutoRechargeSettings } from "./settings";

/** What `decideGrace` needs, read from our tables (no Stripe call). */
async function loadGraceFacts(db: DbOrTx, orgId: string, opts: { settings?: AutoRechargeSettings } = {}): Promise<GraceFacts> {
  const [org] = await db.select({ plan: organizations.plan }).from(organizations).where(eq(organizations.id, orgId));
  if (!org) throw new Error(`org ${orgId} not found`);
  const settings = opts.settings ?? (await getAutoRechargeSettings(db, orgId, org.plan));
  const [[customer], [last]] = await Promise.all([
    db.select({ pm: stripeCustomers.defaultPaymentMethodId }).from(stripeCustomers).where(eq(stripeCustomers.orgId, orgId)),
    db
      .select({ status: rechargeAttempts.status, paymentMethodId: rechargeAttempts.paymentMethodId })
      .from(rechargeAttempts)
      .where(and(eq(rechargeAttempts.orgId, orgId), inArray(rechargeAttempts.status, ["succeeded", "failed", "requires_action"])))
      .orderBy(desc(rechargeAttempts.updatedAt))
      .limit(1),
  ]);
  return {
    plan: org.plan,
    graceEnabled: settings.graceEnabled,
    paymentMethodId: customer?.pm ?? null,
    lastSettled: last ? { status: last.status as "succeeded" | "failed" | "requires_action", paymentMethodId: last.paymentMethodId } : null,
    consecutiveFailures: settings.consecutiveFailures,
  };
}

/** Whether a new auto-recharge of `credits` would open grace now. */
export async function graceDecision(db: DbOrTx, orgId: string, credits: number, opts: { settings?: AutoRechargeSettings } = {}): Promise<GraceDecision> {
  return decideGrace(await loadGraceFacts(db, orgId, opts), credits);
}

/** `{ enabled, available, message }` for the page and `GET /api/v1/billing/auto-topup` (`grace`). */
export async function graceOverview(db: DbOrTx, orgId: string, credits: number, settings: AutoRechargeSettings) {
  const d = await graceDecision(db, orgId, credits, { settings });
  return {
    enabled: settings.graceEnabled,
    available: d.grant,
    credits: d.grant ? d.credits : 0,
    message: d.grant
      ? `While a recharge is in flight, usage may go up to ${d.credits.toLocaleString("en-US")} credits below zero; the recharge covers it.`
      : GRACE_MESSAGES[d.reason],
  };
}
