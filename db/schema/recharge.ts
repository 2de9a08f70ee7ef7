import { sql } from "drizzle-orm";
import { boolean, check, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { users } from "./auth";
import { organizations } from "./organizations";

/** Auto-recharge settings of an org (absent row = defaults, disabled). */
export const autoRechargeSettings = pgTable(
  "auto_recharge_settings",
  {
    orgId: uuid("org_id")
      .primaryKey()
      .references(() => organizations.id, { onDelete: "cascade" }),
    enabled: boolean("enabled").notNull().default(false),
    /** credits: recharge when the total balance falls below it */
    threshold: integer("threshold").notNull(),
    rechargePacks: integer("recharge_packs").notNull(),
    maxRechargesPerMonth: integer("max_recharges_per_month").notNull().default(10),
    /** optional monthly spending limit on auto-recharges, cents */
    spendingLimitCents: integer("spending_limit_cents"),
    /** alert when this percentage of the spending limit is spent (1..100) */
    spendingAlertPercent: integer("spending_alert_percent").notNull().default(80),
    /** consecutive failed auto-recharge payments; reset by a success */
    consecutiveFailures: integer("consecutive_failures").notNull().default(0),
    /** set when auto-recharge disabled itself; cleared when the owner re-enables */
    disabledReason: text("disabled_reason"),
    disabledAt: timestamp("disabled_at", { withTimezone: true }),
    /** "YYYY-MM" (org time zone) of the last spending-limit alert, so it is sent once a month */
    spendingAlertSentFor: text("spending_alert_sent_for"),
    /** grace: while an auto-recharge is in flight, usage may draw on its credits (owner's switch; never on Free) */
    graceEnabled: boolean("grace_enabled").notNull().default(true),
    /** target mode: recharge to at least this many credits (null = fixed mode: `recharge_packs` per recharge) */
    rechargeTo: integer("recharge_to"),
    /** the owner's backup card (one of the customer's saved cards), tried once when the default card is declined */
    backupPaymentMethodId: text("backup_payment_method_id"),
    /** "Visa •••• 4242" of that card, as listed when it was chosen */
    backupCardLabel: text("backup_card_label"),
    /** back-off after a declined auto-recharge: no new auto attempt before this (cleared by a new card or Retry) */
    retryNotBefore: timestamp("retry_not_before", { withTimezone: true }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("ars_threshold_positive", sql`${t.threshold} >= 1`),
    check("ars_packs_range", sql`${t.rechargePacks} BETWEEN 1 AND 100`),
    check("ars_max_positive", sql`${t.maxRechargesPerMonth} >= 1`),
    check("ars_limit_positive", sql`${t.spendingLimitCents} IS NULL OR ${t.spendingLimitCents} >= 1`),
    check("ars_alert_range", sql`${t.spendingAlertPercent} BETWEEN 1 AND 100`),
    check("ars_recharge_to_above_threshold", sql`${t.rechargeTo} IS NULL OR ${t.rechargeTo} > ${t.threshold}`),
  ],
);

/**
 * Audit log (append-only: a trigger refuses UPDATE/DELETE/TRUNCATE): every change of the settings, who made it,
 * when, before and after — and, for a change that needed it, the consent the owner gave (the exact text shown).
 */
export const autoRechargeSettingsChanges = pgTable(
  "auto_recharge_settings_changes",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    apiKeyId: uuid("api_key_id"),
    /** ui | api | system (e.g. disabled after failures, downgrade to Free) */
    source: text("source").notNull(),
    before: jsonb("before"),
    after: jsonb("after").notNull(),
    /** the authorization text the owner agreed to with this change (null: no consent was needed) */
    consentText: text("consent_text"),
    consentVersion: text("consent_version"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("ars_changes_org_created_idx").on(t.orgId, t.createdAt)],
);

export const rechargeStatusEnum = pgEnum("recharge_status", ["pending", "processing", "succeeded", "failed", "requires_action", "canceled"]);
export const rechargeTriggerEnum = pgEnum("recharge_trigger", ["auto", "manual"]);

/**
 * One try to buy credits off-session (auto-recharge or Top Up Now). Committed BEFORE the Stripe call; its
 * id is the Stripe idempotency key. At most one open auto attempt per org (partial unique index).
 */
export const rechargeAttempts = pgTable(
  "recharge_attempts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "restrict" }),
    trigger: rechargeTriggerEnum("trigger").notNull(),
    status: rechargeStatusEnum("status").notNull().default("pending"),
    packs: integer("packs").notNull(),
    credits: integer("credits").notNull(),
    amountCents: integer("amount_cents").notNull(),
    currency: text("currency").notNull().default("usd"),
    paymentIntentId: text("payment_intent_id").unique(),
    /** the card charged (the customer's default when the attempt was created): grace needs a card that has succeeded */
    paymentMethodId: text("payment_method_id"),
    failureCode: text("failure_code"),
    declineCode: text("decline_code"),
    failureMessage: text("failure_message"),
    /** total balance when the attempt was created, and the threshold it crossed (auto) */
    balanceBefore: integer("balance_before"),
    threshold: integer("threshold"),
    balanceAfter: integer("balance_after"),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp("completed_at", { withTimezone: true }),
    /** set while the last charge call's outcome is unknown (timeout, reset, 5xx after retries): the attempt stays open */
    outcomeUnknownSince: timestamp("outcome_unknown_since", { withTimezone: true }),
    /** the last transport/Stripe error seen for the attempt (for operators; never shown to the owner) */
    lastError: text("last_error"),
    /** when a PaymentIntent create was last sent for the attempt (reconciliation waits for search to see it) */
    chargeSentAt: timestamp("charge_sent_at", { withTimezone: true }),
    /** when reconciliation searched Stripe for a `failed` internal-error attempt without a PaymentIntent id */
    stripeSearchedAt: timestamp("stripe_searched_at", { withTimezone: true }),
    /** "Visa •••• 4242": the card this attempt charged (last sent), for the emails and the history */
    cardLabel: text("card_label"),
    /** the backup card designated when the charge started (auto only): tried once after a terminal decline */
    backupPaymentMethodId: text("backup_payment_method_id"),
    /** when the backup card's PaymentIntent create (key `<id>:backup`) was last sent */
    backupSentAt: timestamp("backup_sent_at", { withTimezone: true }),
    /** the default card's decline that sent the attempt to the backup card */
    primaryFailureCode: text("primary_failure_code"),
    primaryDeclineCode: text("primary_decline_code"),
    /** the org credited when not the one charged (an agency's allocation for a sub-account); null = org_id */
    creditOrgId: uuid("credit_org_id").references(() => organizations.id, { onDelete: "restrict" }),
    /** the ledger idempotency key of that credit (e.g. `allocation:<sub-account>:<YYYY-MM>`); null = `pi:<PaymentIntent id>` */
    creditKey: text("credit_key"),
  },
  (t) => [
    uniqueIndex("recharge_attempts_one_open_auto_uq")
      .on(t.orgId)
      .where(sql`${t.trigger} = 'auto' AND ${t.status} IN ('pending', 'processing', 'requires_action')`),
    // an allocation period (credit key) has at most one open attempt: a retry after a decline never races another
    uniqueIndex("recharge_attempts_one_open_credit_key_uq")
      .on(t.creditKey)
      .where(sql`${t.creditKey} IS NOT NULL AND ${t.status} IN ('pending', 'processing', 'requires_action')`),
    // "recharges this calendar month" = range scan on (org, trigger, created_at)
    index("recharge_attempts_org_trigger_created_idx").on(t.orgId, t.trigger, t.createdAt),
    // the Billing page's "Recharges & purchases" (newest first, all triggers)
    index("recharge_attempts_org_created_idx").on(t.orgId, t.createdAt),
    // "last recharged" and history
    index("recharge_attempts_org_completed_idx")
      .on(t.orgId, t.completedAt)
      .where(sql`${t.status} = 'succeeded'`),
    index("recharge_attempts_open_idx")
      .on(t.status, t.updatedAt)
      .where(sql`${t.status} IN ('pending', 'processing')`),
    // failed on a guess by older code ("internal error", no PaymentIntent id): searched at Stripe once
    index("recharge_attempts_guessed_failed_idx")
      .on(t.createdAt)
      .where(sql`${t.status} = 'failed' AND ${t.failureCode} = 'internal_error' AND ${t.paymentIntentId} IS NULL AND ${t.stripeSearchedAt} IS NULL`),
    check("recharge_attempts_amounts_positive", sql`${t.packs} >= 1 AND ${t.credits} >= 1 AND ${t.amountCents} >= 1`),
  ],
);

export type AutoRechargeSettingsRow = typeof autoRechargeSettings.$inferSelect;
export type RechargeAttempt = typeof rechargeAttempts.$inferSelect;
export type RechargeStatus = (typeof rechargeStatusEnum.enumValues)[number];
export type RechargeTrigger = (typeof rechargeTriggerEnum.enumValues)[number];
