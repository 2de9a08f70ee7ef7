import { sql } from "drizzle-orm";
import { check, index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./auth";
import { organizations } from "./organizations";

/**
 * An owner's refund of an unused top-up (Billing page history or the REST API). Committed with the ledger
 * entry that removes its credits (key `refund:<id>`), BEFORE `refunds.create` (idempotency key = this id,
 * `metadata.refill_refund_id` = this id, so the `charge.refunded` webhook of our own refund finds the same
 * ledger key). `pending` → `succeeded` | `failed` (a known Stripe refusal: the credits are restored, key
 * `refund-restore:<id>`); a lost answer stays `pending` and is re-sent with the same key by reconciliation.
 */
export const refundRequests = pgTable(
  "refund_requests",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    /** the purchase refunded: a recharge attempt id or a Checkout Session id */
    purchaseId: text("purchase_id").notNull().unique(),
    paymentIntentId: text("payment_intent_id").notNull(),
    credits: integer("credits").notNull(),
    amountCents: integer("amount_cents").notNull(),
    status: text("status", { enum: ["pending", "succeeded", "failed"] })
      .notNull()
      .default("pending"),
    stripeRefundId: text("stripe_refund_id").unique(),
    lastError: text("last_error"),
    requestedBy: uuid("requested_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("refund_requests_pending_idx")
      .on(t.createdAt)
      .where(sql`${t.status} = 'pending'`),
    check("refund_requests_amounts_positive", sql`${t.credits} >= 1 AND ${t.amountCents} >= 1`),
  ],
);

export type RefundRequest = typeof refundRequests.$inferSelect;
