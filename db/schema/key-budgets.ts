import { sql } from "drizzle-orm";
import { bigint, check, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { BUDGET_PERIODS } from "../../lib/billing/key-budget";
import { users } from "./auth";
import { apiKeys } from "./api-keys";
import { organizations } from "./organizations";

/** An API key's credit budget per period (day, ISO week, month) in `time_zone`. No row: no budget. */
export const apiKeyBudgets = pgTable(
  "api_key_budgets",
  {
    keyId: uuid("key_id")
      .primaryKey()
      .references(() => apiKeys.id, { onDelete: "cascade" }),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    credits: bigint("credits", { mode: "number" }).notNull(),
    period: text("period", { enum: BUDGET_PERIODS }).notNull(),
    timeZone: text("time_zone").notNull(),
    updatedBy: uuid("updated_by").references(() => users.id, { onDelete: "set null" }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("api_key_budgets_credits_range", sql`${t.credits} BETWEEN 1 AND 1000000000000`),
    check("api_key_budgets_period_check", sql`${t.period} IN ('day', 'week', 'month')`),
  ],
);

/**
 * What a key has used in one budget period: the counter row locked and updated in the debit's transaction
 * (so two processes cannot both spend the last credits), and when each alert level was sent (once per period).
 */
export const apiKeyBudgetUsage = pgTable(
  "api_key_budget_usage",
  {
    keyId: uuid("key_id")
      .notNull()
      .references(() => apiKeys.id, { onDelete: "cascade" }),
    periodStart: timestamp("period_start", { withTimezone: true }).notNull(),
    used: bigint("used", { mode: "number" }).notNull().default(0),
    alerted80At: timestamp("alerted_80_at", { withTimezone: true }),
    alerted100At: timestamp("alerted_100_at", { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.keyId, t.periodStart] })],
);
