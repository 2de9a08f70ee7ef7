import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { autoRechargeSettings, rechargeAttempts, type RechargeAttempt } from "@/db/schema";
import { logger } from "@/lib/log";
import { getStripe } from "@/lib/stripe/client";
import { findAttemptPaymentIntent, KEY_SAFE_AGE_MS, SEARCH_LAG_MS } from "./find-payment-intent";
import { describeStripeError, outcomeFromPaymentIntent, outcomeFromStripeError, type AttemptOutcome } from "./outcome";
import { settleRechargeAttempt, type SettleResult } from "./settle-attempt";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The default card declined an auto-recharge terminally: try the backup card ONCE, under the same attempt
 * (so it counts once toward the cap and the spending limit, and credits once), with its own idempotency key
 * `<attemptId>:backup` and metadata `attempt_id` + `card: "backup"`. Safe to run twice (hand-off and job,
 * or reconciliation after a crash): the key reaches the same PaymentIntent, and a backup create that may
 * have been sent is searched for first. A backup card Stripe refuses outright (detached, invalid) leaves
 * the default card's decline as the outcome.
 */
export async function chargeBackupCard(
  db: Db,
  a: RechargeAttempt,
  customerId: string,
  primary: Extract<AttemptOutcome, { kind: "declined" }>,
  opts: { retryDelaysMs?: number[]; now?: Date } = {},
): Promise<SettleResult> {
  const now = (opts.now ?? new Date()).getTime();
  const failWith = (o: AttemptOutcome) => settleRechargeAttempt(db, a.id, o);
  const primaryFailed = { ...primary, card: "backup" as const }; // settles: no further card to try
  if (a.backupSentAt) {
    const found = await findAttemptPaymentIntent(customerId, a.id);
    if (found?.metadata?.card === "backup" || found?.status === "succeeded") return failWith(outcomeFromPaymentIntent(found));
    if (now - a.backupSentAt.getTime() < SEARCH_LAG_MS) return { attemptId: a.id, status: "processing", changed: false, credited: false };
    if (now - a.createdAt.getTime() >= KEY_SAFE_AGE_MS) return failWith(primaryFailed);
  }
  const [s] = await db
    .select({ label: autoRechargeSettings.backupCardLabel, pm: autoRechargeSettings.backupPaymentMethodId })
    .from(autoRechargeSettings)
    .where(eq(autoRechargeSettings.orgId, a.orgId));
  const label = s?.pm === a.backupPaymentMethodId ? s.label : null;
  const marked = await db
    .update(rechargeAttempts)
    .set({
      backupSentAt: new Date(),
      paymentMethodId: a.backupPaymentMethodId,
      cardLabel: label ?? "your backup card",
      primaryFailureCode: primary.code,
      primaryDeclineCode: primary.declineCode,
      updatedAt: new Date(),
    })
    .where(and(eq(rechargeAttempts.id, a.id), eq(rechargeAttempts.status, "processing")))
    .returning({ id: rechargeAttempts.id });
  if (marked.length === 0) return { attemptId: a.id, status: a.status, changed: false, credited: false }; // settled meanwhile

  const delays = opts.retryDelaysMs ?? [500, 2000];
  let outcome: AttemptOutcome | null = null;
  let lastError = "";
  for (let i = 0; i <= delays.length && !outcome; i++) {
    if (i > 0) await sleep(delays[i - 1]!);
    try {
      const pi = await getStripe().paymentIntents.create(
        {
          amount: a.amountCents,
          currency: a.currency,
          customer: customerId,
          payment_method: a.backupPaymentMethodId!,
          off_session: true,
          confirm: true,
          description: `Auto-recharge (backup card): ${a.credits} credits`,
          metadata: { org_id: a.orgId, attempt_id: a.id, trigger: a.trigger, credits: String(a.credits), card: "backup" },
        },
        { idempotencyKey: `${a.id}:backup` },
      );
      outcome = outcomeFromPaymentIntent(pi);
    } catch (err) {
      outcome = outcomeFromStripeError(err);
      lastError = describeStripeError(err);
      if (!outcome) logger.warn({ orgId: a.orgId, attemptId: a.id, try: i + 1, error: lastError }, "recharge: no answer from Stripe (backup card)");
    }
  }
  if (outcome?.kind === "declined") outcome = { ...outcome, card: "backup" };
  if (outcome?.kind === "internal_error") {
    logger.warn({ orgId: a.orgId, attemptId: a.id }, "recharge: the backup card was refused by Stripe; the default card's decline stands");
    return failWith(primaryFailed);
  }
  return failWith(outcome ?? { kind: "unknown", paymentIntentId: null, reason: `backup: ${lastError}` });
}
