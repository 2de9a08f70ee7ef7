import { and, eq, isNotNull, ne } from "drizzle-orm";
import type { Db, Tx } from "@/db/client";
import { rechargeAttempts } from "@/db/schema";
import type { PlanId } from "@/lib/billing/plans";
import { getAutoRechargeSettings, writeAutoRechargeSettings } from "./settings";
import { settleRechargeAttempt, type SettleResult } from "./settle-attempt";

// How auto-recharge reacts to a Stripe customer sync (called by lib/billing-events/sync-customer.ts).

/** Down to Free: auto-recharge is a paid-plan feature, so it is turned off (audited, actor `system`). */
export async function turnOffAutoRechargeOnFree(tx: Tx, p: { orgId: string; previousPlan: PlanId }): Promise<void> {
  const settings = await getAutoRechargeSettings(tx, p.orgId, p.previousPlan);
  if (settings.enabled) await writeAutoRechargeSettings(tx, { orgId: p.orgId, plan: p.previousPlan, patch: { enabled: false }, actor: { source: "system" } });
}

/** A new default card ends the back-off after a decline: the next debit (or the trigger after the sync) tries it. Returns whether one was ended. */
export async function endBackoffOnNewCard(tx: Tx, p: { orgId: string; plan: PlanId }): Promise<boolean> {
  const settings = await getAutoRechargeSettings(tx, p.orgId, p.plan);
  if (!settings.retryNotBefore) return false;
  await writeAutoRechargeSettings(tx, { orgId: p.orgId, plan: p.plan, patch: { retryNotBefore: null }, actor: { source: "system" } });
  return true;
}

/**
 * A new default card replaces auto-recharge payments stuck waiting for verification (`requires_action`):
 * each is settled `superseded` → `canceled` through the settle path (grace ended, attempt row locked), so
 * auto-recharge can try the new card. If the old PaymentIntent still succeeds later, settling credits it.
 * `replaced`: the sync saw the default card change (every such attempt goes); otherwise only attempts sent
 * with a card other than `defaultPaymentMethodId` do (a retried sync converges the same way).
 */
export async function cancelVerificationsOnReplacedCard(
  db: Db,
  p: { orgId: string; defaultPaymentMethodId: string | null; replaced: boolean },
): Promise<SettleResult[]> {
  if (!p.replaced && !p.defaultPaymentMethodId) return [];
  const waiting = await db
    .select({ id: rechargeAttempts.id })
    .from(rechargeAttempts)
    .where(
      and(
        eq(rechargeAttempts.orgId, p.orgId),
        eq(rechargeAttempts.trigger, "auto"),
        eq(rechargeAttempts.status, "requires_action"),
        p.replaced ? undefined : and(isNotNull(rechargeAttempts.paymentMethodId), ne(rechargeAttempts.paymentMethodId, p.defaultPaymentMethodId!)),
      ),
    );
  const results: SettleResult[] = [];
  for (const a of waiting) results.push(await settleRechargeAttempt(db, a.id, { kind: "superseded" }));
  return results;
}
