import { sql } from "drizzle-orm";
import { bigint, check, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";

export const creditPoolEnum = pgEnum("credit_pool", ["plan", "topup"]);
export const ledgerEntryKindEnum = pgEnum("ledger_entry_kind", [
  "usage", // debit for reported usage
  "plan_grant", // monthly allotment granted at a period start
  "plan_expire", // unused plan credits expired at a period end
  "purchase", // Buy Credits through Checkout
  "top_up", // Top Up Now (off-session charge started by the owner)
  "auto_recharge", // off-session charge started by the auto-recharge engine
  "adjustment", // manual correction (seed, support)
  "refund", // credits taken back for a refunded charge (reference: the charge)
  "dispute", // credits taken back for a disputed charge, when Stripe withdraws the funds (reference: the charge)
  "dispute_reversal", // those credits returned when the dispute is won (reference: the charge)
  "allocation", // credits the org's agency bought for it (monthly auto allocation; reference: the agency's PaymentIntent)
]);

/**
 * The balance of each org, per pool. Written only by lib/ledger, in the same transaction as the entries;
 * always equals the sum of the org's entries per pool. Reads are O(1).
 *
 * Grace: the top-up pool may go below zero by at most `grace_credits` (the plan pool never does). A debit
 * is accepted when total − held − quantity ≥ −(grace open ? grace_credits : 0); grace is open while
 * `grace_attempt_id` names the in-flight recharge attempt granting it. Closed, `grace_credits` is the
 * outstanding overdraft (max(0, −topup_credits)), which every credit shrinks.
 */
export const creditBalances = pgTable(
  "credit_balances",
  {
    orgId: uuid("org_id")
      .primaryKey()
      .references(() => organizations.id, { onDelete: "cascade" }),
    planCredits: integer("plan_credits").notNull().default(0),
    topupCredits: integer("topup_credits").notNull().default(0),
    /** Plan credits granted at the last reset (the "of Y" in "X of Y left"). */
    planAllotment: integer("plan_allotment").notNull().default(0),
    /** When the plan credits next reset (end of the current billing period). */
    planResetsAt: timestamp("plan_resets_at", { withTimezone: true }),
    /** credits reserved by active holds (sum of their quantities) */
    heldCredits: integer("held_credits").notNull().default(0),
    /** how far below zero the top-up pool may go (the overdraft bound) */
    graceCredits: integer("grace_credits").notNull().default(0),
    /** the in-flight recharge attempt granting grace; null = no grace open */
    graceAttemptId: uuid("grace_attempt_id"),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("credit_balances_plan_nonnegative", sql`${t.planCredits} >= 0`),
    check("credit_balances_topup_within_grace", sql`${t.topupCredits} >= -${t.graceCredits}`),
    check("credit_balances_grace_nonnegative", sql`${t.graceCredits} >= 0`),
    check("credit_balances_held_nonnegative", sql`${t.heldCredits} >= 0`),
    check("credit_balances_allotment_nonnegative", sql`${t.planAllotment} >= 0`),
  ],
);

/**
 * Append-only ledger. The database refuses UPDATE, DELETE and TRUNCATE (trigger in migration 0001).
 * `delta` is signed credits; `balance_after` is the pool's balance after this entry.
 * `idempotency_key` is unique per org: a credit is applied once per key. Usage entries carry none: a usage
 * request's key is on its `usage_events` row, which `reference` names.
 */
export const ledgerEntries = pgTable(
  "ledger_entries",
  {
    id: bigint("id", { mode: "number" }).notNull().generatedAlwaysAsIdentity(),
    // No per-row foreign key on this high-volume table: every entry is written in the statement that updates
    // the org's credit_balances row (which references organizations), and a trigger refuses to delete an
    // organization that has ledger history (migration 0007).
    orgId: uuid("org_id").notNull(),
    pool: creditPoolEnum("pool").notNull(),
    delta: integer("delta").notNull(),
    kind: ledgerEntryKindEnum("kind").notNull(),
    reference: text("reference"),
    /** unique per org; null only for usage entries (their request's key is on usage_events, `reference` = usage id) */
    idempotencyKey: text("idempotency_key"),
    balanceAfter: integer("balance_after").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // (org_id, id): an org's history newest first by keyset, whatever other orgs wrote after it. A key on id
    // alone tempted the planner into scanning the whole table backwards for a big org.
    primaryKey({ columns: [t.orgId, t.id] }),
    uniqueIndex("ledger_entries_org_key_uq")
      .on(t.orgId, t.idempotencyKey)
      .where(sql`${t.idempotencyKey} IS NOT NULL`),
    check("ledger_entries_key_unless_usage", sql`${t.idempotencyKey} IS NOT NULL OR ${t.kind} = 'usage'`),
    check("ledger_entries_delta_nonzero", sql`${t.delta} <> 0`),
    // only the top-up pool goes below zero, within the grace bound (see credit_balances)
    check("ledger_entries_balance_after_nonnegative", sql`${t.balanceAfter} >= 0 OR ${t.pool} = 'topup'`),
  ],
);

/**
 * The first result of each usage request (`POST /api/v1/usage`) that carried an idempotency key: its id
 * is the API's `id` (UUIDv7, also the `reference` of its ledger entries), the key is unique per org, and the
 * stored balances let a replay return the first result exactly. A request without a key on the default meter
 * with no properties or timestamp needs no record beyond its ledger entries, so it writes none (half the rows
 * per debit on the hot path); one that names another meter, properties or a timestamp is recorded (the CSV).
 */
export const usageEvents = pgTable(
  "usage_events",
  {
    /** UUIDv7 (time-ordered: new rows append to the primary key's right edge) */
    id: uuid("id").primaryKey(),
    orgId: uuid("org_id").notNull(), // no per-row foreign key: see ledger_entries.org_id
    idempotencyKey: text("idempotency_key"),
    quantity: integer("quantity").notNull(),
    planCreditsAfter: integer("plan_credits_after").notNull(),
    topupCreditsAfter: integer("topup_credits_after").notNull(),
    /** the meter the usage was measured in (lib/billing/meters); `quantity` is the credits debited */
    meter: text("meter").notNull().default("call"),
    /** units of `meter` (null on rows from before meters: then `quantity`) */
    units: integer("units"),
    /** ≤ 10 string keys → strings ≤ 200 chars, as reported */
    properties: jsonb("properties").$type<Record<string, string>>(),
    /** the usage's own time when it reported one (else `created_at`) */
    occurredAt: timestamp("occurred_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Only keyed events are looked up (replays), so only they are indexed.
    uniqueIndex("usage_events_org_key_uq")
      .on(t.orgId, t.idempotencyKey)
      .where(sql`${t.idempotencyKey} IS NOT NULL`),
    check("usage_events_quantity_positive", sql`${t.quantity} > 0`),
  ],
);

/**
 * Usage per org per hour (UTC), maintained by the ledger's debit statement: the Billing page's usage
 * chart and "typical hourly usage" read at most 720 rows for 30 days, however busy the org is.
 */
export const usageHourly = pgTable(
  "usage_hourly",
  {
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    hour: timestamp("hour", { withTimezone: true }).notNull(),
    credits: bigint("credits", { mode: "number" }).notNull(),
    events: integer("events").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.hour] })],
);

export const holdStatusEnum = pgEnum("hold_status", ["active", "captured", "released", "expired"]);

/**
 * Credits reserved for a call in progress (`POST /api/v1/holds`): while `active`, `quantity` counts in
 * `credit_balances.held_credits` against new debits and the recharge threshold. Capture debits the actual
 * usage (one `usage` ledger entry per pool, `reference` = `usage_id`) and ends the hold; release or expiry
 * (past `expires_at`, by the sweep or when touched) frees it. Written only by lib/ledger/holds.
 */
export const creditHolds = pgTable(
  "credit_holds",
  {
    /** UUIDv7, the API's hold id */
    id: uuid("id").primaryKey(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    /** credits held, 1..1,000,000 (= units held × `rate`) */
    quantity: integer("quantity").notNull(),
    /** the meter the hold measures (fixed at create), its rate then (credits per unit), and its properties */
    meter: text("meter").notNull().default("call"),
    rate: integer("rate").notNull().default(1),
    properties: jsonb("properties").$type<Record<string, string>>(),
    /** credits captured (0..1,000,000; may exceed `quantity`); set iff status = captured */
    capturedQuantity: integer("captured_quantity"),
    status: holdStatusEnum("status").notNull().default("active"),
    /** the create request's key, unique per org */
    idempotencyKey: text("idempotency_key"),
    /** the capture request's key: the same key again replays the capture */
    captureIdempotencyKey: text("capture_idempotency_key"),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    /** the capture's usage id (its ledger entries' reference) */
    usageId: uuid("usage_id"),
    /** the API key that created it when that key has a credit budget: the capture counts against it */
    budgetKeyId: uuid("budget_key_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("credit_holds_org_key_uq")
      .on(t.orgId, t.idempotencyKey)
      .where(sql`${t.idempotencyKey} IS NOT NULL`),
    index("credit_holds_active_expiry_idx")
      .on(t.expiresAt)
      .where(sql`${t.status} = 'active'`),
    check("credit_holds_quantity_range", sql`${t.quantity} BETWEEN 1 AND 1000000`),
    check("credit_holds_rate_positive", sql`${t.rate} >= 1`),
    check("credit_holds_captured_range", sql`${t.capturedQuantity} IS NULL OR ${t.capturedQuantity} BETWEEN 0 AND 1000000`),
    check("credit_holds_captured_iff_status", sql`(${t.status} = 'captured') = (${t.capturedQuantity} IS NOT NULL)`),
  ],
);

export type CreditHold = typeof creditHolds.$inferSelect;
export type HoldStatus = (typeof holdStatusEnum.enumValues)[number];
export type LedgerEntry = typeof ledgerEntries.$inferSelect;
export type CreditPool = (typeof creditPoolEnum.enumValues)[number];
export type LedgerEntryKind = (typeof ledgerEntryKindEnum.enumValues)[number];
