import { index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { outgoingEvents } from "./events";
import { organizations } from "./organizations";

/**
 * An org's outgoing webhook endpoints (issue #13). `secret` signs deliveries (Standard Webhooks, `whsec_…`;
 * kept in clear: signing needs it); after a rotation `previous_secret` signs too until
 * `previous_secret_expires_at`. `failing_since`: the first failed attempt of the current run of failures
 * (null after a success) — 5 days of it disables the endpoint. Migration 0014.
 */
export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    /** event types, or `["*"]` for all */
    events: text("events").array().notNull(),
    /** `enabled` | `disabled` */
    status: text("status").notNull().default("enabled"),
    disabledReason: text("disabled_reason"),
    disabledAt: timestamp("disabled_at", { withTimezone: true }),
    secret: text("secret").notNull(),
    previousSecret: text("previous_secret"),
    previousSecretExpiresAt: timestamp("previous_secret_expires_at", { withTimezone: true }),
    failingSince: timestamp("failing_since", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("webhook_endpoints_org_idx").on(t.orgId, t.createdAt)],
);

/**
 * One event to one endpoint: `pending` (an attempt is due at `next_attempt_at`) → `succeeded` | `failed`
 * (retries exhausted, or the endpoint was disabled). `lease_until` claims it for one sender at a time.
 * A resend is a new row for the same event (same `webhook-id`), `resend_of` the first.
 */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    endpointId: uuid("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    eventId: text("event_id")
      .notNull()
      .references(() => outgoingEvents.id, { onDelete: "cascade" }),
    eventType: text("event_type").notNull(),
    /** `pending` | `succeeded` | `failed` */
    status: text("status").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }),
    leaseUntil: timestamp("lease_until", { withTimezone: true }),
    lastResponseCode: integer("last_response_code"),
    lastError: text("last_error"),
    resendOf: uuid("resend_of"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("webhook_deliveries_endpoint_idx").on(t.endpointId, t.createdAt),
    index("webhook_deliveries_org_idx").on(t.orgId, t.createdAt),
    index("webhook_deliveries_due_idx").on(t.nextAttemptAt),
  ],
);

/** Every HTTP attempt of a delivery, for the log: outcome, response code, duration, error, next retry. */
export const webhookDeliveryAttempts = pgTable(
  "webhook_delivery_attempts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    deliveryId: uuid("delivery_id")
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: "cascade" }),
    endpointId: uuid("endpoint_id").notNull(),
    attempt: integer("attempt").notNull(),
    /** `succeeded` | `failed` */
    status: text("status").notNull(),
    responseCode: integer("response_code"),
    durationMs: integer("duration_ms").notNull(),
    error: text("error"),
    nextRetryAt: timestamp("next_retry_at", { withTimezone: true }),
    attemptedAt: timestamp("attempted_at", { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex("webhook_delivery_attempts_uq").on(t.deliveryId, t.attempt), index("webhook_delivery_attempts_org_idx").on(t.orgId, t.attemptedAt)],
);

export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
