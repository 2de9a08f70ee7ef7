import { sql } from "drizzle-orm";
import { boolean, index, integer, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./auth";
import { organizations, planIdEnum } from "./organizations";

/**
 * One Stripe customer per org. The org of a customer is always resolved from this mapping, never from
 * client input or Stripe metadata. The default card columns are written only by `syncStripeCustomer`.
 */
export const stripeCustomers = pgTable("stripe_customers", {
  orgId: uuid("org_id")
    .primaryKey()
    .references(() => organizations.id, { onDelete: "cascade" }),
  customerId: text("customer_id").notNull().unique(),
  defaultPaymentMethodId: text("default_payment_method_id"),
  cardBrand: text("card_brand"),
  cardLast4: text("card_last4"),
  cardExpMonth: integer("card_exp_month"),
  cardExpYear: integer("card_exp_year"),
  syncedAt: timestamp("synced_at", { withTimezone: true }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Stripe subscriptions of an org, as last read from Stripe by `syncStripeCustomer`. */
export const subscriptions = pgTable(
  "subscriptions",
  {
    id: text("id").primaryKey(), // sub_…
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    customerId: text("customer_id").notNull(),
    status: text("status").notNull(), // Stripe's: active, trialing, past_due, canceled, incomplete, …
    plan: planIdEnum("plan").notNull(),
    priceId: text("price_id"),
    currentPeriodStart: timestamp("current_period_start", { withTimezone: true }),
    currentPeriodEnd: timestamp("current_period_end", { withTimezone: true }),
    cancelAtPeriodEnd: boolean("cancel_at_period_end").notNull().default(false),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("subscriptions_org_idx").on(t.orgId)],
);

export const stripeEventOutcomeEnum = pgEnum("stripe_event_outcome", ["processing", "processed", "ignored", "failed"]);

/** Every webhook event received (unique on Stripe's event id), with when and how it was handled. */
export const stripeEvents = pgTable("stripe_events", {
  id: text("id").primaryKey(), // evt_…
  type: text("type").notNull(),
  outcome: stripeEventOutcomeEnum("outcome").notNull().default("processing"),
  result: text("result"),
  receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
  processedAt: timestamp("processed_at", { withTimezone: true }),
  deliveries: integer("deliveries").notNull().default(1),
});

export const checkoutModeEnum = pgEnum("checkout_mode", ["payment", "setup", "subscription"]);

/**
 * Checkout Sessions we created. Credits granted for a paid session come from THIS row (packs, credits,
 * amount), never from the client, the URL, or the session's metadata.
 */
export const checkoutSessions = pgTable(
  "checkout_sessions",
  {
    id: text("id").primaryKey(), // cs_…
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    mode: checkoutModeEnum("mode").notNull(),
    packs: integer("packs"),
    credits: integer("credits"),
    amountCents: integer("amount_cents"),
    currency: text("currency").notNull().default("usd"),
    plan: planIdEnum("plan"),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    completedAt: timestamp("completed_at", { withTimezone: true }),
    /** Stripe's session status as last read: open | complete | expired (open rows are reconciled) */
    status: text("status").notNull().default("open"),
    /** when the session was last re-read from Stripe by the return page or the sweep */
    checkedAt: timestamp("checked_at", { withTimezone: true }),
  },
  (t) => [
    index("checkout_sessions_org_created_idx").on(t.orgId, t.createdAt),
    index("checkout_sessions_open_idx")
      .on(t.createdAt)
      .where(sql`${t.status} = 'open'`),
  ],
);

export type StripeCustomer = typeof stripeCustomers.$inferSelect;
export type Subscription = typeof subscriptions.$inferSelect;
export type CheckoutSession = typeof checkoutSessions.$inferSelect;
