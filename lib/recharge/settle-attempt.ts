import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { organizations, rechargeAttempts, type Organization, type RechargeAttempt } from "@/db/schema";
import { nextRetryAt } from "@/lib/billing/backoff";
import { awaitsBackupCard } from "@/lib/billing/decline-class";
import { applyFailurePolicy } from "@/lib/billing/failure-policy";
import { settleTransition, type Failure, type SettlementEffect, type SettlementOutcome } from "@/lib/billing/settlement";
import { env } from "@/lib/env";
import { requestAlertCheck } from "@/lib/alerts/alert-gate";
import { enqueueJob, handOffJob } from "@/lib/jobs/queue";
import { creditTopup, endGrace } from "@/lib/ledger";
import { logger } from "@/lib/log";
import { recordRechargeSettled } from "@/lib/metrics";
import { enqueueEmails, recordEmail, type EmailContent } from "@/lib/notifications/emails";
import { openIncident, resolveAttemptIncidents } from "@/lib/notifications/incidents";
import * as tpl from "@/lib/notifications/templates";
import { invoiceLinkPath } from "@/lib/billing/invoice-links";
import { queuePurchaseInvoice } from "@/lib/invoices/queue-invoice";
import { chargeEventData } from "@/lib/events/event-data";
import { recordEvent } from "@/lib/events/record-event";
import { checkSpendingAlert } from "./spending-alert";
import { getAutoRechargeSettings, writeAutoRechargeSettings } from "./settings";

export interface SettleResult {
  attemptId: string;
  status: RechargeAttempt["status"];
  /** false when the attempt stayed in its state (sticky, terminal, or still in flight) */
  changed: boolean;
  credited: boolean;
}

function billingUrl(slug: string): string {
  return `${env().APP_URL}/${slug}/settings/billing`;
}
export function verifyUrl(slug: string, attemptId: string): string {
  return `${env().APP_URL}/${slug}/settings/billing/verify/${attemptId}`;
}

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/**
 * Converges an attempt to what Stripe said, exactly once whichever path (worker, webhook, reconciliation,
 * verification return) gets here first: the attempt row is locked, the pure `settleTransition` decides the
 * next state and the effects, and this applies them in the same transaction. Credits use the ledger key
 * `pi:<PaymentIntent id>`; a PaymentIntent id in the answer is stored as soon as the row lacks one.
 */
export async function settleRechargeAttempt(db: Db, attemptId: string, outcome: SettlementOutcome, opts: { now?: Date } = {}): Promise<SettleResult> {
  const emailIds: string[] = [];
  let retrigger: string | null = null;
  let invoiceQueued = false;
  let creditedOrgId: string | null = null;
  let settled: RechargeAttempt | undefined; // for the metrics, after the commit
  const result = await db.transaction(async (tx): Promise<SettleResult> => {
    const [a] = await tx.select().from(rechargeAttempts).where(eq(rechargeAttempts.id, attemptId)).for("update");
    if (!a) throw new Error(`recharge attempt ${attemptId} not found`);
    settled = a;
    // the default card's terminal decline while the backup card may still pay: the backup decides (charge path)
    if (awaitsBackupCard(a, outcome)) return { attemptId, status: a.status, changed: false, credited: false };
    const now = opts.now ?? new Date();
    const t = settleTransition(a.status, a.trigger, outcome);
    const piId = "paymentIntentId" in outcome ? outcome.paymentIntentId : null;

    const set: Partial<RechargeAttempt> = {};
    if (piId && piId !== a.paymentIntentId && a.status !== "succeeded") {
      if (a.paymentIntentId)
        logger.error(
          { orgId: a.orgId, attemptId: a.id, paymentIntentId: piId, stored: a.paymentIntentId },
          "settle: PaymentIntent differs from the stored one",
        );
      if (!a.paymentIntentId || t.next === "succeeded") set.paymentIntentId = piId;
    }
    if (t.unknown === "mark") {
      set.outcomeUnknownSince = a.outcomeUnknownSince ?? now;
      if (outcome.kind === "unknown") set.lastError = outcome.reason;
    } else if (a.outcomeUnknownSince) set.outcomeUnknownSince = null;
    if (t.next) {
      set.status = t.next;
      if (t.next === "succeeded" || t.next === "failed" || t.next === "canceled") set.completedAt = now;
      if (t.next === "succeeded") Object.assign(set, { failureCode: null, declineCode: null, failureMessage: null });
      if (t.next === "requires_action") set.failureCode = "authentication_required";
      if (t.failure) Object.assign(set, { failureCode: t.failure.code, declineCode: t.failure.declineCode, failureMessage: t.failure.message });
    }
    if (Object.keys(set).length === 0) return { attemptId, status: a.status, changed: false, credited: false };

    const [org] = await tx.select().from(organizations).where(eq(organizations.id, a.orgId));
    const ctx: EffectContext = { tx, a, org: org!, now, emailIds, credited: false, balanceAfter: null, failure: t.failure ?? null, invoiceQueued: false };
    for (const e of t.effects) if (e.kind === "credit") await applyEffect(ctx, e); // credit first: emails quote the new balance
    if (ctx.balanceAfter !== null) set.balanceAfter = ctx.balanceAfter;
    await tx
      .update(rechargeAttempts)
      .set({ ...set, updatedAt: now })
      .where(and(eq(rechargeAttempts.id, a.id), eq(rechargeAttempts.orgId, a.orgId)));
    ctx.after = { ...a, ...set }; // the attempt as settled, for the events' charge objects
    for (const e of t.effects) if (e.kind !== "credit" && (await applyEffect(ctx, e)) === "retrigger") retrigger = a.orgId;
    // still below the threshold: a new trigger, durable with this commit (the hand-off below runs it at once)
    if (retrigger) await enqueueJob("recharge.trigger", { orgId: retrigger }, { tx, singletonKey: `retrigger:${a.id}`, startAfterSeconds: 5 });
    invoiceQueued = ctx.invoiceQueued;
    if (ctx.credited) creditedOrgId = a.creditOrgId ?? a.orgId;
    return { attemptId, status: t.next ?? a.status, changed: t.next !== null, credited: ctx.credited };
  });

  recordRechargeSettled(result, settled);
  await enqueueEmails(emailIds);
  if (retrigger) await handOffJob(db, "recharge.trigger", { orgId: retrigger });
  if (invoiceQueued) await handOffJob(db, "invoice.issue", { purchaseId: attemptId });
  if (creditedOrgId) requestAlertCheck(db, creditedOrgId); // recovery: re-arms low-balance alerts
  return result;
}

interface EffectContext {
  tx: Tx;
  a: RechargeAttempt;
  org: Organization;
  now: Date;
  emailIds: string[];
  credited: boolean;
  balanceAfter: number | null;
  failure: Failure | null;
  /** the credit queued the purchase's invoice (`invoice.issue`, in this transaction) */
  invoiceQueued: boolean;
  after?: RechargeAttempt;
}

/** The webhook event of each settlement email, recorded beside it (same transaction, same dedupe suffix). */
const EMAIL_EVENTS = { recharge_succeeded: "recharge.succeeded", recharge_failed: "recharge.failed", verification_needed: "recharge.requires_action" } as const;

/** Applies one effect of a transition inside the settling transaction. */
async function applyEffect(c: EffectContext, e: SettlementEffect): Promise<"retrigger" | void> {
  const { tx, a, org } = c;
  const email = async (kind: string, content: EmailContent, key: string) => {
    c.emailIds.push(...(await recordEmail(tx, { orgId: a.orgId, kind, content, dedupeKey: `attempt:${a.id}:${key}` })));
  };
  switch (e.kind) {
    case "credit": {
      // an agency's allocation credits the sub-account under its period's key; every other attempt its own org
      const credit = await creditTopup(tx, {
        orgId: a.creditOrgId ?? a.orgId,
        credits: a.credits,
        kind: a.creditOrgId && a.creditOrgId !== a.orgId ? "allocation" : a.trigger === "auto" ? "auto_recharge" : "top_up",
        reference: e.paymentIntentId,
        idempotencyKey: a.creditKey ?? `pi:${e.paymentIntentId}`,
      });
      c.credited = credit.applied;
      c.balanceAfter = credit.balance.total;
      if (credit.applied)
        c.invoiceQueued = await queuePurchaseInvoice(tx, { orgId: a.orgId, purchaseId: a.id, source: "recharge", paymentIntentId: e.paymentIntentId });
      return;
    }
    case "email":
      await recordEvent(tx, {
        orgId: a.orgId,
        type: EMAIL_EVENTS[e.email],
        data: chargeEventData(c.after ?? a, c.balanceAfter),
        dedupeKey: `attempt:${a.id}:${EMAIL_EVENTS[e.email]}`,
      });
      if (e.email === "recharge_succeeded") {
        // an agency's allocation: the credits went to the sub-account, and so does the balance named
        const [sub] =
          a.creditOrgId && a.creditOrgId !== a.orgId
            ? await tx.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, a.creditOrgId))
            : [];
        const content = await tpl.rechargeSucceededEmail({
          orgName: org.name,
          creditedTo: sub?.name ?? null,
          trigger: a.trigger,
          amountCents: a.amountCents,
          currency: a.currency,
          credits: a.credits,
          newBalance: c.balanceAfter ?? 0,
          previousBalance: a.balanceBefore,
          threshold: a.threshold,
          cardLabel: a.cardLabel,
          backupAfterDecline: a.backupSentAt !== null,
          billingUrl: billingUrl(org.slug),
          invoiceUrl: `${env().APP_URL}${invoiceLinkPath(org.slug, a.id)}`,
        });
        return email("recharge_succeeded", content, "succeeded");
      }
      if (e.email === "recharge_failed") {
        const content = await tpl.rechargeFailedEmail({
          orgName: org.name,
          amountCents: a.amountCents,
          currency: a.currency,
          reason: c.failure?.message ?? "",
          billingUrl: billingUrl(org.slug),
        });
        return email("recharge_failed", content, "failed");
      }
      return email(
        "verification_needed",
        await tpl.verificationNeededEmail({
          orgName: org.name,
          amountCents: a.amountCents,
          currency: a.currency,
          verifyUrl: verifyUrl(org.slug, a.id),
          billingUrl: billingUrl(org.slug),
        }),
        "verify",
      );
    case "incident":
      if (e.incident === "verification_needed") {
        const message = "Your bank requires verification for a payment. Complete verification to add the credits.";
        return openIncident(tx, { orgId: a.orgId, kind: "verification_needed", message, attemptId: a.id, dedupeKey: `attempt:${a.id}:verify` });
      }
      return openIncident(tx, { orgId: a.orgId, kind: e.incident, message: c.failure?.message ?? "", attemptId: a.id, dedupeKey: `attempt:${a.id}:failed` });
    case "resolve_incidents":
      return resolveAttemptIncidents(tx, { orgId: a.orgId, attemptId: a.id, at: c.now });
    case "failures":
      return applyFailures(c, e.change);
    case "spending_alert": {
      const settings = await getAutoRechargeSettings(tx, a.orgId, org.plan);
      c.emailIds.push(...(await checkSpendingAlert(tx, { org, settings, now: a.createdAt })));
      return;
    }
    case "retrigger_if_low": {
      const settings = await getAutoRechargeSettings(tx, a.orgId, org.plan);
      if (!settings.enabled || c.balanceAfter === null || c.balanceAfter >= settings.threshold) return;
      const low = await tpl.stillLowEmail({ orgName: org.name, balance: c.balanceAfter, threshold: settings.threshold, billingUrl: billingUrl(org.slug) });
      await email("still_low", low, "still_low");
      return "retrigger";
    }
    case "end_grace":
      await endGrace(tx, { orgId: a.orgId, attemptId: a.id }); // after the credit: the overdraft is paid first
      return;
  }
}

/** Consecutive-failure count: reset on success; a decline goes through the pure failure policy (may disable). */
async function applyFailures(c: EffectContext, change: "reset" | "decline") {
  const { tx, a, org } = c;
  const settings = await getAutoRechargeSettings(tx, a.orgId, org.plan, change === "decline" ? { forUpdate: true } : {});
  if (change === "reset") {
    if (settings.consecutiveFailures !== 0 || settings.retryNotBefore)
      await writeAutoRechargeSettings(tx, {
        orgId: a.orgId,
        plan: org.plan,
        patch: { consecutiveFailures: 0, retryNotBefore: null },
        actor: { source: "system" },
      });
    return;
  }
  const decline = { kind: "declined" as const, code: c.failure?.code ?? null, declineCode: c.failure?.declineCode ?? null };
  const policy = applyFailurePolicy(settings.consecutiveFailures, decline, a.trigger);
  if (policy.consecutiveFailures === settings.consecutiveFailures && !policy.disable) return;
  // back-off: a declined auto-recharge is not retried on the next debit; a trigger job tries again when it ends
  const retryNotBefore = policy.disable ? null : nextRetryAt(c.now);
  const patch = policy.disable
    ? { consecutiveFailures: policy.consecutiveFailures, enabled: false, disabledReason: policy.disableReason, disabledAt: c.now, retryNotBefore }
    : { consecutiveFailures: policy.consecutiveFailures, retryNotBefore };
  await writeAutoRechargeSettings(tx, { orgId: a.orgId, plan: org.plan, patch, actor: { source: "system" } });
  if (retryNotBefore)
    await enqueueJob(
      "recharge.trigger",
      { orgId: a.orgId },
      { tx, singletonKey: `backoff:${a.id}`, startAfterSeconds: Math.max(1, Math.ceil((retryNotBefore.getTime() - Date.now()) / 1000)) },
    );
  if (policy.disable && settings.enabled) {
    await openIncident(tx, {
      orgId: a.orgId,
      kind: "disabled_after_failures",
      message: policy.message!,
      attemptId: a.id,
      dedupeKey: `attempt:${a.id}:disabled`,
    });
    const content = await tpl.autoRechargeDisabledEmail({ orgName: org.name, message: policy.message!, billingUrl: billingUrl(org.slug) });
    c.emailIds.push(...(await recordEmail(tx, { orgId: a.orgId, kind: "auto_recharge_disabled", content, dedupeKey: `attempt:${a.id}:disabled` })));
    const data = { reason: "failures", message: policy.message, charge: chargeEventData(c.after ?? a, c.balanceAfter) };
    await recordEvent(tx, { orgId: a.orgId, type: "auto_recharge.disabled", data, dedupeKey: `attempt:${a.id}:auto_recharge.disabled` });
  }
}
