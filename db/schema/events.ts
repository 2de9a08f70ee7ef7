import { index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";

/**
 * The outbox of Refill's own events (issue #13): one row per state change an org's product may hear of,
 * written by `recordEvent` in the SAME transaction as the change (so an event exists iff its cause
 * committed). `dedupe_key` (unique per org) makes the worker, webhook and reconciliation paths record one
 * event per change. Webhook deliveries fan out from here. Migration 0013.
 */
export const outgoingEvents = pgTable(
  "outgoing_events",
  {
    id: text("id").primaryKey(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    type: text("type").notNull(),
    data: jsonb("data").$type<Record<string, unknown>>().notNull(),
    dedupeKey: text("dedupe_key").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("outgoing_events_org_dedupe_uq").on(t.orgId, t.dedupeKey), index("outgoing_events_org_created_idx").on(t.orgId, t.createdAt)],
);

export type OutgoingEvent = typeof outgoingEvents.$inferSelect;
