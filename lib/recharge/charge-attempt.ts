import { and, eq, inArray } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { autoRechargeSettings, organizations, rechargeAttempts, stripeCustomers, type RechargeAttempt } from "@/db/schema";
import { cardLabel } from "@/lib/billing/consent";
import { awaitsBackupCard } from "@/lib/billing/decline-class";
import { logger } from "@/lib/log";
import { getStripe } from "@/lib/stripe/client";
import { getStripeCustomer } from "@/lib/stripe/customers";
import { findAttemptPaymentIntent, KEY_SAFE_AGE_MS, SEARCH_LAG_MS } from "./find-payment-intent";
import { describeStripeError, outcomeFromPaymentIntent, outcomeFromStripeError, type AttemptOutcome } from "./outcome";
import { chargeBackupCard } from "./charge-backup";
import { settleRechargeAttempt, type SettleResult } from "./settle-attempt";

export interface ChargeOptions {
  /** pauses between our own re-tries of a transient failure (the SDK already retries per try) */
  retryDelaysMs?: number[];
  /** the clock for age decisions (tests); writes use the real time */
  now?: Date;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Moves an open attempt to `processing` under its row lock; returns the row as it was (with the backup card
 * designated, for an auto-recharge whose owner chose one), or null when not open.
 */
async function claimAttempt(db: Db, attemptId: string): Promise<{ prior: RechargeAttempt | null; status: RechargeAttempt["status"] | null }> {
  return db.transaction(async (tx) => {
    const [a] = await tx.select().from(rechargeAttempts).where(eq(rechargeAttempts.id, attemptId)).for("update");
    if (!a || (a.status !== "pending" && a.status !== "processing")) return { prior: null, status: a?.status ?? null };
    const backup = a.trigger === "auto" && !a.backupPaymentMethodId ? await designatedBackup(tx, a.orgId) : null;
    const set = { status: "processing" as const, updatedAt: new Date(), ...(backup ? { backupPaymentMethodId: backup } : {}) };
    await tx.update(rechargeAttempts).set(set).where(eq(rechargeAttempts.id, a.id));
    // the row as it was (its status says whether a create may have been sent), with the backup designated
    return { prior: backup ? { ...a, backupPaymentMethodId: backup } : a, status: "processing" as const };
  });
}

/** The owner's backup card, when it is not the default card. */
async function designatedBackup(tx: DbOrTx, orgId: string): Promise<string | null> {
  const [row] = await tx
    .select({ backup: autoRechargeSettings.backupPaymentMethodId, pm: stripeCustomers.defaultPaymentMethodId })
    .from(autoRechargeSettings)
    .leftJoin(stripeCustomers, eq(stripeCustomers.orgId, autoRechargeSettings.orgId))
    .where(eq(autoRechargeSettings.orgId, orgId));
  return row?.backup && row.backup !== row.pm ? row.backup : null;
}

const stays = (attemptId: string, status: RechargeAttempt["status"] | null): SettleResult => ({
  attemptId,
  status: status ?? "canceled",
  changed: false,
  credited: false,
});

/**
 * Charges one attempt off-session; safe to run concurrently for the same attempt (in-process hand-off and
 * the durable job): its id is the Stripe idempotency key, so every call reaches the SAME PaymentIntent, and
 * the outcome is settled under the row lock.
 *
 * Asks before it creates: with a stored PaymentIntent id it retrieves it; when a create may have been sent
 * before (the attempt is `processing` or has `charge_sent_at`) it searches the customer's PaymentIntents by
 * `metadata.attempt_id` first, and re-creates only when the last create is older than SEARCH_LAG_MS and the
 * attempt younger than KEY_SAFE_AGE_MS (past the key's life a re-create could charge twice: the attempt is
 * settled "never charged" instead). An attempt never sent has no key in use yet and is charged whatever its
 * age. Transient errors (5xx, timeout, reset, 409) are retried with the same key; if none answers, the
 * outcome is UNKNOWN and the attempt stays `processing` for reconciliation. A terminal decline of the
 * default card, for an auto-recharge with a backup card designated, goes to `chargeBackupCard` (same attempt,
 * key `<id>:backup`) instead of settling — also when the decline is found by the lookup after a crash.
 */
export async function chargeRechargeAttempt(db: Db, attemptId: string, opts: ChargeOptions = {}): Promise<SettleResult> {
  const { prior: a, status } = await claimAttempt(db, attemptId);
  if (!a) return stays(attemptId, status);
  const now = (opts.now ?? new Date()).getTime();
  const customer = await getStripeCustomer(db, a.orgId);
  // a create may have reached Stripe before (pre-0009 rows have no charge_sent_at: `processing` says so)
  const maybeSent = a.status === "processing" || a.chargeSentAt !== null;
  try {
    let known: AttemptOutcome | null = null;
    if (a.paymentIntentId) known = outcomeFromPaymentIntent(await getStripe().paymentIntents.retrieve(a.paymentIntentId));
    else if (maybeSent && customer) {
      const found = await findAttemptPaymentIntent(customer.customerId, a.id);
      if (found) known = outcomeFromPaymentIntent(found);
      else if (a.chargeSentAt && now - a.chargeSentAt.getTime() < SEARCH_LAG_MS) return stays(a.id, "processing"); // not searchable yet
    }
    if (known?.kind === "declined" && customer && awaitsBackupCard(a, known))
      return chargeBackupCard(db, a, customer.customerId, known, { ...opts, now: new Date(now) });
    if (known) return settleRechargeAttempt(db, a.id, known);
  } catch (err) {
    return settleRechargeAttempt(db, a.id, { kind: "unknown", paymentIntentId: null, reason: `lookup: ${describeStripeError(err)}` });
  }
  if (!customer?.defaultPaymentMethodId) return settleRechargeAttempt(db, a.id, { kind: "no_payment_method" });
  // the key was born at the first send (≥ created_at): past its life a re-create could make a second PaymentIntent
  if (maybeSent && now - a.createdAt.getTime() >= KEY_SAFE_AGE_MS) return settleRechargeAttempt(db, a.id, { kind: "never_charged" });
  const [org] = await db.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, a.orgId));

  const delays = opts.retryDelaysMs ?? [500, 2000];
  let outcome: AttemptOutcome | null = null;
  let lastError = "";
  for (let i = 0; i <= delays.length && !outcome; i++) {
    if (i > 0) await sleep(delays[i - 1]!);
    await db
      .update(rechargeAttempts)
      .set({ chargeSentAt: new Date(), paymentMethodId: customer.defaultPaymentMethodId, cardLabel: cardLabel(customer.cardBrand, customer.cardLast4) })
      .where(and(eq(rechargeAttempts.id, a.id), inArray(rechargeAttempts.status, ["processing"])));
    try {
      const pi = await getStripe().paymentIntents.create(
        {
          amount: a.amountCents,
          currency: a.currency,
          customer: customer.customerId,
          payment_method: customer.defaultPaymentMethodId,
          off_session: true,
          confirm: true,
          description: `${a.trigger === "auto" ? "Auto-recharge" : "Top-up"}: ${a.credits} credits for ${org?.name ?? a.orgId}`,
          metadata: { org_id: a.orgId, attempt_id: a.id, trigger: a.trigger, credits: String(a.credits), card: "default" },
        },
        { idempotencyKey: a.id },
      );
      outcome = outcomeFromPaymentIntent(pi);
    } catch (err) {
      outcome = outcomeFromStripeError(err);
      lastError = describeStripeError(err);
      if (!outcome) logger.warn({ orgId: a.orgId, attemptId: a.id, try: i + 1, error: lastError }, "recharge: no answer from Stripe");
    }
  }
  if (outcome?.kind === "declined" && awaitsBackupCard(a, outcome)) return chargeBackupCard(db, a, customer.customerId, outcome, opts);
  return settleRechargeAttempt(db, a.id, outcome ?? { kind: "unknown", paymentIntentId: null, reason: lastError });
}
