import { index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { organizations } from "./organizations";

/**
 * Campaigns (issue #15): long-running consumers the customer's product registers through the API, each on
 * a minute tier. `min_balance` null = the cost of one minute of the tier on the org's plan (resolved when
 * read, so a plan change moves it). `status` is `active` | `paused`; autopause sets `paused_reason`
 * `low_balance` and bumps `pause_count` (the `campaign.paused` event's dedupe key). Migration 0021.
 */
export const campaigns = pgTable(
  "campaigns",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    tier: text("tier", { enum: ["basic", "premium"] }).notNull(),
    externalId: text("external_id"),
    minBalance: integer("min_balance"),
    status: text("status", { enum: ["active", "paused"] })
      .notNull()
      .default("active"),
    pausedReason: text("paused_reason", { enum: ["low_balance"] }),
    pausedAt: timestamp("paused_at", { withTimezone: true }),
    pauseCount: integer("pause_count").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("campaigns_org_idx").on(t.orgId, t.createdAt),
    index("campaigns_active_idx")
      .on(t.orgId)
      .where(sql`${t.status} = 'active'`),
    uniqueIndex("campaigns_org_external_id_uq")
      .on(t.orgId, t.externalId)
      .where(sql`${t.externalId} IS NOT NULL`),
  ],
);

export type Campaign = typeof campaigns.$inferSelect;
