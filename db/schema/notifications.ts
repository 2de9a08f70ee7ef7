import { index, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { INCIDENT_KINDS } from "../../lib/billing/incident-actions";
import { users } from "./auth";
import { organizations } from "./organizations";
import { rechargeAttempts } from "./recharge";

export const incidentKindEnum = pgEnum("incident_kind", INCIDENT_KINDS);

/**
 * A failure the Billing page shows as a banner. Each is dismissed on its own and stays dismissed; a new
 * failure is a new row. `dedupe_key` (unique per org) makes the worker, webhook and reconciliation
 * paths record one incident per failure.
 */
export const billingIncidents = pgTable(
  "billing_incidents",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    kind: incidentKindEnum("kind").notNull(),
    message: text("message").notNull(),
    attemptId: uuid("attempt_id").references(() => rechargeAttempts.id, { onDelete: "set null" }),
    dedupeKey: text("dedupe_key").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    dismissedAt: timestamp("dismissed_at", { withTimezone: true }),
    dismissedBy: uuid("dismissed_by").references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [uniqueIndex("billing_incidents_org_dedupe_uq").on(t.orgId, t.dedupeKey), index("billing_incidents_org_created_idx").on(t.orgId, t.createdAt)],
);

export const emailStatusEnum = pgEnum("email_status", ["queued", "sent", "failed", "recorded"]);

/** Every outgoing email, recorded before it is sent (the dev mailbox page lists them). */
export const outgoingEmails = pgTable(
  "outgoing_emails",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id").references(() => organizations.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    to: text("to").notNull(),
    subject: text("subject").notNull(),
    text: text("text").notNull(),
    /** the HTML part (react-email); null for mail recorded before migration 0015 */
    html: text("html"),
    status: emailStatusEnum("status").notNull().default("queued"),
    error: text("error"),
    dedupeKey: text("dedupe_key").unique(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
  },
  (t) => [index("outgoing_emails_org_created_idx").on(t.orgId, t.createdAt)],
);

export type BillingIncident = typeof billingIncidents.$inferSelect;
export type OutgoingEmail = typeof outgoingEmails.$inferSelect;
