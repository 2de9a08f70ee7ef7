import { sql } from "drizzle-orm";
import { check, index, integer, pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { users } from "./auth";
import { organizations } from "./organizations";
import { rechargeAttempts } from "./recharge";

/**
 * An agency's sub-accounts (issue #15). A sub-account is a full org (its own owners, balance, plan,
 * auto-recharge); this row only says which agency monitors it. One agency per sub-account.
 */
export const agencySubAccounts = pgTable(
  "agency_sub_accounts",
  {
    subAccountId: uuid("sub_account_id")
      .primaryKey()
      .references(() => organizations.id, { onDelete: "cascade" }),
    agencyId: uuid("agency_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("agency_sub_accounts_agency_idx").on(t.agencyId), check("agency_sub_accounts_not_self", sql`${t.agencyId} <> ${t.subAccountId}`)],
);

/** The agency owner's monthly auto allocation for one sub-account: minutes bought every month on the agency's card. */
export const subAccountAllocations = pgTable(
  "sub_account_allocations",
  {
    subAccountId: uuid("sub_account_id")
      .primaryKey()
      .references(() => agencySubAccounts.subAccountId, { onDelete: "cascade" }),
    basicMinutes: integer("basic_minutes").notNull().default(0),
    premiumMinutes: integer("premium_minutes").notNull().default(0),
    updatedBy: uuid("updated_by").references(() => users.id, { onDelete: "set null" }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check("sub_account_allocations_minutes", sql`${t.basicMinutes} >= 0 AND ${t.premiumMinutes} >= 0`)],
);

/**
 * One allocation purchase per sub-account per period ("YYYY-MM" in the sub-account's time zone): the unique
 * (sub_account_id, period) is the exactly-once guard. Inserted in the same transaction as its recharge attempt
 * and that attempt's `recharge.charge` job.
 */
export const allocationPeriods = pgTable(
  "allocation_periods",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    subAccountId: uuid("sub_account_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    agencyId: uuid("agency_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    period: text("period").notNull(),
    basicMinutes: integer("basic_minutes").notNull(),
    premiumMinutes: integer("premium_minutes").notNull(),
    credits: integer("credits").notNull(),
    amountCents: integer("amount_cents").notNull(),
    attemptId: uuid("attempt_id")
      .unique()
      .references(() => rechargeAttempts.id, { onDelete: "restrict" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique("allocation_periods_sub_period_uq").on(t.subAccountId, t.period)],
);

export type AgencySubAccount = typeof agencySubAccounts.$inferSelect;
export type SubAccountAllocation = typeof subAccountAllocations.$inferSelect;
export type AllocationPeriod = typeof allocationPeriods.$inferSelect;
