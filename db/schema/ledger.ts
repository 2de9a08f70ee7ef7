import { sql } from "drizzle-orm";
import { bigint, check, integer, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
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
]);

/**
 * The balance of each org, per pool. Written only by lib/ledger, in the same transaction as the entries;
 * always equals the sum of the org's entries per pool. Reads are O(1).
 */
export const creditBalances = pgTable(
  "credit_balances",
  {
    orgId: uuid("org_id").primaryKey().references(() => organizations.id, { onDelete: "cascade" }),
    planCredits: integer("plan_credits").notNull().default(0),
    topupCredits: integer("topup_credits").notNull().default(0),
    /** Plan credits granted at the last reset (the "of Y" in "X of Y left"). */
    planAllotment: integer("plan_allotment").notNull().default(0),
    /** When the plan credits next reset (end of the current billing period). */
    planResetsAt: timestamp("plan_resets_at", { withTimezone: true }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("credit_balances_plan_nonnegative", sql`${t.planCredits} >= 0`),
    check("credit_balances_topup_nonnegative", sql`${t.topupCredits} >= 0`),
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
    uniqueIndex("ledger_entries_org_key_uq").on(t.orgId, t.idempotencyKey).where(sql`${t.idempotencyKey} IS NOT NULL`),
    check("ledger_entries_key_unless_usage", sql`${t.idempotencyKey} IS NOT NULL OR ${t.kind} = 'usage'`),
    check("ledger_entries_delta_nonzero", sql`${t.delta} <> 0`),
    check("ledger_entries_balance_after_nonnegative", sql`${t.balanceAfter} >= 0`),
  ],
);

/**
 * The first result of each usage request (`POST /api/v1/usage`) that carried an idempotency key: its id
 * is the API's `id` (UUIDv7, also the `reference` of its ledger entries), the key is unique per org, and the
 * stored balances let a replay return the first result exactly. A request without a key needs no record
 * beyond its ledger entries, so it writes none (half the rows per debit on the hot path).
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
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Only keyed events are looked up (replays), so only they are indexed.
    uniqueIndex("usage_events_org_key_uq").on(t.orgId, t.idempotencyKey).where(sql`${t.idempotencyKey} IS NOT NULL`),
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
    orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    hour: timestamp("hour", { withTimezone: true }).notNull(),
    credits: bigint("credits", { mode: "number" }).notNull(),
    events: integer("events").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.hour] })],
);

export type LedgerEntry = typeof ledgerEntries.$inferSelect;
export type CreditPool = (typeof creditPoolEnum.enumValues)[number];
export type LedgerEntryKind = (typeof ledgerEntryKindEnum.enumValues)[number];
