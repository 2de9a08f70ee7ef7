import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { autoRechargeSettings, organizations, type RechargeAttempt } from "@/db/schema";
import { decideTrigger, STATUS_MESSAGES, type TriggerDecision } from "@/lib/billing/auto-recharge-status";
import { NO_PAYMENT_METHOD_MESSAGE } from "@/lib/billing/decline-messages";
import { rechargeTiming, type BurnSignal } from "@/lib/billing/early-trigger";
import { enqueueJob, handOffJob } from "@/lib/jobs/queue";
import { getBalance, grantGrace } from "@/lib/ledger";
import { graceDecision } from "./grace";
import { recordEvent } from "@/lib/events/record-event";
import { openIncident } from "@/lib/notifications/incidents";
import { createRechargeAttempt } from "./attempts";
import { burnRates } from "./burn-rate";
import { findOpenAutoAttempt, loadAutoRechargeState } from "./facts";
import { getAutoRechargeSettings } from "./settings";
import { appNow } from "@/lib/clock";

/**
 * The durable `recharge.charge` job becomes visible this long after the attempt commits. The in-process
 * hand-off charges at once; the job is the fallback (this process died, or the hand-off errored) and
 * normally finds the attempt settled.
 */
export const CHARGE_JOB_DELAY_SECONDS = 5;

export type TriggerResult =
  { created: true; attempt: RechargeAttempt } | { created: false; reason: Exclude<TriggerDecision, { create: true }>["reason"] | "concurrent" };

/**
 * After a debit commits, after settings are saved, and after a recharge lands: if auto-recharge is eligible
 * and a recharge is due — the available balance (total − held + grace) is below the threshold, or the runway at the org's burn rate
 * (`opts.signal`, default: this process's measurements) is shorter than a recharge takes — create ONE attempt and queue its charge. Never waits for Stripe.
 *
 * The attempt and its `recharge.charge` job are inserted in ONE transaction (a crash at any instant leaves
 * neither or both); after the commit the charge is handed to this process (`handOffJob`, not awaited), so
 * it starts the moment the attempt exists. The job (delayed CHARGE_JOB_DELAY_SECONDS) is the fallback.
 *
 * Exactly once: the decision and insert run under a row lock on the org's settings (serializes triggers of
 * one org, so the monthly cap and spending limit hold), and the partial unique index allows one open
 * auto attempt per org.
 */
export async function maybeTriggerRecharge(db: Db, orgId: string, opts: { now?: Date; signal?: BurnSignal | null } = {}): Promise<TriggerResult> {
  const now = opts.now ?? appNow();
  // Rate-aware: with the org's burn rate (this process's flushes) a recharge is due early when the runway is
  // shorter than a recharge takes; the threshold stays the floor.
  const signal = opts.signal === undefined ? burnRates().signal(orgId) : opts.signal;
  // Fast path without locks: most debits leave the balance above the threshold.
  const [org] = await db.select({ plan: organizations.plan }).from(organizations).where(eq(organizations.id, orgId));
  if (!org) return { created: false, reason: "off" };
  const quick = await getAutoRechargeSettings(db, orgId, org.plan);
  if (!quick.enabled) return { created: false, reason: "off" };
  // `available` (total − held + grace): credits reserved by holds are not there for the next debit
  if (!rechargeTiming((await getBalance(db, orgId)).available, quick.threshold, signal).due) return { created: false, reason: "above_threshold" };
  const open = await findOpenAutoAttempt(db, orgId);
  if (open) return { created: false, reason: open.status === "requires_action" ? "requires_action" : "recharging" };

  const result = await db.transaction(async (tx): Promise<TriggerResult & { monthKey?: string }> => {
    const [locked] = await tx.select().from(autoRechargeSettings).where(eq(autoRechargeSettings.orgId, orgId)).for("update");
    if (!locked) return { created: false, reason: "off" };
    const { facts, window } = await loadAutoRechargeState(tx, orgId, { now });
    const balance = await getBalance(tx, orgId);
    const decision = decideTrigger(facts, balance.available, signal);
    if (!decision.create) return { created: false, reason: decision.reason, monthKey: window.key };
    const attempt = await createRechargeAttempt(tx, {
      orgId,
      trigger: "auto",
      packs: decision.packs,
      credits: decision.credits,
      amountCents: decision.amountCents,
      currency: decision.currency,
      balanceBefore: balance.total,
      threshold: facts.threshold,
      createdAt: now,
    });
    if (!attempt) return { created: false, reason: "concurrent" };
    // Grace opens with the attempt, in its transaction: usage may draw on this recharge's credits until it settles.
    const grace = await graceDecision(tx, orgId, attempt.credits, { settings: locked });
    if (grace.grant) await grantGrace(tx, { orgId, attemptId: attempt.id, credits: grace.credits });
    await enqueueJob("recharge.charge", { attemptId: attempt.id }, { singletonKey: attempt.id, startAfterSeconds: CHARGE_JOB_DELAY_SECONDS, tx });
    return { created: true, attempt };
  });

  if (result.created) {
    burnRates().noteAttempt(orgId, result.attempt.id, result.attempt.createdAt.getTime());
    await handOffJob(db, "recharge.charge", { attemptId: result.attempt.id });
  } else if (result.reason === "needs_payment_method") {
    await openIncident(db, { orgId, kind: "no_payment_method", message: NO_PAYMENT_METHOD_MESSAGE, dedupeKey: `no_payment_method:${result.monthKey}` });
  } else if (result.reason === "paused_monthly_cap" || result.reason === "paused_spending_limit") {
    // A limit held a recharge back: one banner per limit and month (no email for the count cap: the page says it).
    const kind = result.reason === "paused_monthly_cap" ? "monthly_cap_reached" : "spending_limit_reached";
    const message = STATUS_MESSAGES[result.reason];
    const reason = result.reason === "paused_monthly_cap" ? "monthly_cap" : "spending_limit";
    await db.transaction(async (tx) => {
      await openIncident(tx, { orgId, kind, message, dedupeKey: `${kind}:${result.monthKey}` });
      await recordEvent(tx, {
        orgId,
        type: "auto_recharge.paused",
        data: { reason, message, month: result.monthKey },
        dedupeKey: `${kind}:${result.monthKey}`,
      });
    });
  }
  if (result.created) return { created: true, attempt: result.attempt };
  return { created: false, reason: result.reason };
}
