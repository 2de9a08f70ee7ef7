import { boolean, integer, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";

/**
 * Low-balance alert settings an owner saved (issue #13): up to 3 thresholds in credits and extra billing
 * recipients (emails that are not members). No row: the defaults (lib/billing/balance-alerts.ts). Migration 0015.
 */
export const balanceAlertSettings = pgTable("balance_alert_settings", {
  orgId: uuid("org_id")
    .primaryKey()
    .references(() => organizations.id, { onDelete: "cascade" }),
  thresholds: integer("thresholds").array().notNull(),
  recipients: text("recipients").array().notNull().default([]),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * The armed/fired state of one alert of an org: `threshold` in credits, 0 = the `balance.depleted` alert.
 * Created when first checked; the fire decision is taken under this row's lock (`FOR UPDATE`), so
 * concurrent checks — across processes — fire one alert per crossing.
 */
export const balanceAlertStates = pgTable(
  "balance_alert_states",
  {
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    threshold: integer("threshold").notNull(),
    armed: boolean("armed").notNull().default(true),
    lastFiredAt: timestamp("last_fired_at", { withTimezone: true }),
    /** increments per fire: part of the event/email dedupe keys */
    fireCount: integer("fire_count").notNull().default(0),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.threshold] })],
);

export type BalanceAlertSettingsRow = typeof balanceAlertSettings.$inferSelect;
export type BalanceAlertState = typeof balanceAlertStates.$inferSelect;
