import { and, eq } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { organizations, rechargeAttempts, type RechargeAttempt } from "@/db/schema";
import { declineMessage, INTERNAL_ERROR_MESSAGE, NO_PAYMENT_METHOD_MESSAGE } from "@/lib/billing/decline-messages";
import { applyFailurePolicy } from "@/lib/billing/failure-policy";
import { env } from "@/lib/env";
import { enqueueJob } from "@/lib/jobs/queue";
import { creditTopup } from "@/lib/ledger";
import { enqueueEmails, recordEmail } from "@/lib/notifications/emails";
import { openIncident } from "@/lib/notifications/incidents";
import * as tpl from "@/lib/notifications/templates";
import { checkSpendingAlert } from "./spending-alert";
import type { AttemptOutcome } from "./outcome";
import { getAutoRechargeSettings, writeAutoRechargeSettings } from "./settings";

export interface SettleResult {
  attemptId: string;
  status: RechargeAttempt["status"];
  /** false when the attempt was already in that (or a sticky) state */
  changed: boolean;
  credited: boolean;
}

export function billingUrl(slug: string): string {
  return `${env().APP_URL}/${slug}/settings/billing`;
}
export function verifyUrl(slug: string, attemptId: string): string {
  return `${env().APP_URL}/${slug}/settings/billing/verify/${attemptId}`;
}

/**
 * Converges an attempt to what Stripe said, exactly once whichever path (worker, webhook, reconciliation,
 * verification return) gets here first: the attempt row is locked, `succeeded` is sticky and is the only
 * way out of `failed`/`canceled` (money taken is never lost), credits use the key `pi:<PaymentIntent id>`.
 */
export async function settleRechargeAttempt(db: Db, attemptId: string, outcome: AttemptOutcome): Promise<SettleResult> {
  const emailIds: string[] = [];
  let retrigger: string | null = null;
  const result = await db.transaction(async (tx): Promise<SettleResult> => {
    const [a] = await tx.select().from(rechargeAttempts).where(eq(rechargeAttempts.id, attemptId)).for("update");
    if (!a) throw new Error(`recharge attempt ${attemptId} not found`);
    const [org] = await tx.select().from(organizations).where(eq(organizations.id, a.orgId));
    const same = { attemptId, status: a.status, changed: false, credited: false };
    if (a.status === "succeeded") return same;
    const now = new Date();
    const update = (set: Partial<RechargeAttempt>) =>
      tx.update(rechargeAttempts).set({ ...set, updatedAt: now }).where(and(eq(rechargeAttempts.id, a.id), eq(rechargeAttempts.orgId, a.orgId)));

    if (outcome.kind === "succeeded") {
      const credit = await creditTopup(tx, {
        orgId: a.orgId,
        credits: a.credits,
        kind: a.trigger === "auto" ? "auto_recharge" : "top_up",
        reference: outcome.paymentIntentId,
        idempotencyKey: `pi:${outcome.paymentIntentId}`,
      });
      await update({ status: "succeeded", paymentIntentId: outcome.paymentIntentId, completedAt: now, balanceAfter: credit.balance.total, failureCode: null, declineCode: null, failureMessage: null });
      const settings = await getAutoRechargeSettings(tx, a.orgId, org!.plan);
      if (settings.consecutiveFailures !== 0) {
        await writeAutoRechargeSettings(tx, { orgId: a.orgId, plan: org!.plan, patch: { consecutiveFailures: 0 }, actor: { source: "system" } });
      }
      const content = tpl.rechargeSucceededEmail({
        orgName: org!.name, trigger: a.trigger, amountCents: a.amountCents, currency: a.currency, credits: a.credits,
        newBalance: credit.balance.total, previousBalance: a.balanceBefore, threshold: a.threshold, billingUrl: billingUrl(org!.slug),
      });
      emailIds.push(...(await recordEmail(tx, { orgId: a.orgId, kind: "recharge_succeeded", content, dedupeKey: `attempt:${a.id}:succeeded` })));
      if (a.trigger === "auto") {
        if (settings.enabled && credit.balance.total < settings.threshold) {
          const low = tpl.stillLowEmail({ orgName: org!.name, balance: credit.balance.total, threshold: settings.threshold, billingUrl: billingUrl(org!.slug) });
          emailIds.push(...(await recordEmail(tx, { orgId: a.orgId, kind: "still_low", content: low, dedupeKey: `attempt:${a.id}:still_low` })));
          retrigger = a.orgId;
        }
        emailIds.push(...(await checkSpendingAlert(tx, { org: org!, settings, now: a.createdAt })));
      }
      return { attemptId, status: "succeeded", changed: true, credited: credit.applied };
    }

    if (a.status === "failed" || a.status === "canceled") return same; // terminal
    if (outcome.kind === "in_flight") {
      if (outcome.paymentIntentId !== a.paymentIntentId) await update({ paymentIntentId: outcome.paymentIntentId });
      return same;
    }
    if (outcome.kind === "requires_action") {
      if (a.status === "requires_action") return same;
      await update({ status: "requires_action", paymentIntentId: outcome.paymentIntentId ?? a.paymentIntentId, failureCode: "authentication_required" });
      const message = "Your bank requires verification for a payment. Complete verification to add the credits.";
      await openIncident(tx, { orgId: a.orgId, kind: "verification_needed", message, attemptId: a.id, dedupeKey: `attempt:${a.id}:verify` });
      const content = tpl.verificationNeededEmail({ orgName: org!.name, amountCents: a.amountCents, currency: a.currency, verifyUrl: verifyUrl(org!.slug, a.id), billingUrl: billingUrl(org!.slug) });
      emailIds.push(...(await recordEmail(tx, { orgId: a.orgId, kind: "verification_needed", content, dedupeKey: `attempt:${a.id}:verify` })));
      return { attemptId, status: "requires_action", changed: true, credited: false };
    }
    if (outcome.kind === "canceled") {
      await update({ status: "canceled", paymentIntentId: outcome.paymentIntentId, completedAt: now });
      return { attemptId, status: "canceled", changed: true, credited: false };
    }

    // failed: declined, internal error, or no payment method
    const code = outcome.kind === "declined" ? outcome.code : outcome.kind;
    const declineCode = outcome.kind === "declined" ? outcome.declineCode : null;
    const message =
      outcome.kind === "declined" ? declineMessage(outcome.code, outcome.declineCode) : outcome.kind === "internal_error" ? INTERNAL_ERROR_MESSAGE : NO_PAYMENT_METHOD_MESSAGE;
    const piId = outcome.kind === "no_payment_method" ? null : outcome.paymentIntentId;
    await update({ status: "failed", paymentIntentId: piId ?? a.paymentIntentId, failureCode: code, declineCode, failureMessage: message, completedAt: now });
    const kind = outcome.kind === "declined" ? "card_declined" : outcome.kind;
    await openIncident(tx, { orgId: a.orgId, kind, message, attemptId: a.id, dedupeKey: `attempt:${a.id}:failed` });
    const failed = tpl.rechargeFailedEmail({ orgName: org!.name, amountCents: a.amountCents, currency: a.currency, reason: message, billingUrl: billingUrl(org!.slug) });
    emailIds.push(...(await recordEmail(tx, { orgId: a.orgId, kind: "recharge_failed", content: failed, dedupeKey: `attempt:${a.id}:failed` })));

    if (outcome.kind === "declined") {
      const settings = await getAutoRechargeSettings(tx, a.orgId, org!.plan, { forUpdate: true });
      const policy = applyFailurePolicy(settings.consecutiveFailures, { kind: "declined", code: outcome.code, declineCode: outcome.declineCode }, a.trigger);
      const patch = policy.disable
        ? { consecutiveFailures: policy.consecutiveFailures, enabled: false, disabledReason: policy.disableReason, disabledAt: now }
        : { consecutiveFailures: policy.consecutiveFailures };
      if (policy.consecutiveFailures !== settings.consecutiveFailures || policy.disable) {
        await writeAutoRechargeSettings(tx, { orgId: a.orgId, plan: org!.plan, patch, actor: { source: "system" } });
      }
      if (policy.disable && settings.enabled) {
        await openIncident(tx, { orgId: a.orgId, kind: "disabled_after_failures", message: policy.message!, attemptId: a.id, dedupeKey: `attempt:${a.id}:disabled` });
        const content = tpl.autoRechargeDisabledEmail({ orgName: org!.name, message: policy.message!, billingUrl: billingUrl(org!.slug) });
        emailIds.push(...(await recordEmail(tx, { orgId: a.orgId, kind: "auto_recharge_disabled", content, dedupeKey: `attempt:${a.id}:disabled` })));
      }
    }
    return { attemptId, status: "failed", changed: true, credited: false };
  });

  await enqueueEmails(emailIds);
  if (retrigger) await enqueueJob("recharge.trigger", { orgId: retrigger });
  return result;
}

/** For reads outside a transaction (e.g. after settling). */
export async function attemptStatus(db: DbOrTx, attemptId: string) {
  const [row] = await db.select({ status: rechargeAttempts.status }).from(rechargeAttempts).where(eq(rechargeAttempts.id, attemptId));
  return row?.status ?? null;
}
