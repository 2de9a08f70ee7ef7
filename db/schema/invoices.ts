import { index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./auth";
import { organizations } from "./organizations";

/**
 * The invoice of each purchase: a recharge attempt (auto-recharge, Top Up Now: `purchase_id` = attempt id,
 * issued by the `invoice.issue` job after the charge succeeded) or a Buy Credits Checkout Session
 * (`purchase_id` = cs_…, Stripe's post-payment invoice). The row is written in the settlement transaction
 * (`status` pending) and completed by the job (`issued`) with what Stripe returned.
 */
export const purchaseInvoices = pgTable(
  "purchase_invoices",
  {
    purchaseId: text("purchase_id").primaryKey(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    /** recharge (an off-session PaymentIntent we invoice out of band) | checkout (Stripe's invoice_creation) */
    source: text("source").notNull(),
    /** pending → issued */
    status: text("status").notNull().default("pending"),
    paymentIntentId: text("payment_intent_id"),
    receiptUrl: text("receipt_url"),
    invoiceId: text("invoice_id").unique(),
    invoiceNumber: text("invoice_number"),
    hostedInvoiceUrl: text("hosted_invoice_url"),
    invoicePdfUrl: text("invoice_pdf_url"),
    lastError: text("last_error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    issuedAt: timestamp("issued_at", { withTimezone: true }),
  },
  (t) => [index("purchase_invoices_org_created_idx").on(t.orgId, t.createdAt)],
);

/**
 * The org's billing details for its invoices (legal name, address, one tax ID), as last pushed to its Stripe
 * customer (name, address, tax_ids). Written only by lib/stripe/billing-details.ts after Stripe accepted them.
 */
export const billingDetails = pgTable("billing_details", {
  orgId: uuid("org_id")
    .primaryKey()
    .references(() => organizations.id, { onDelete: "cascade" }),
  legalName: text("legal_name").notNull(),
  line1: text("line1").notNull(),
  line2: text("line2"),
  city: text("city").notNull(),
  postalCode: text("postal_code"),
  state: text("state"),
  /** ISO 3166-1 alpha-2 */
  country: text("country").notNull(),
  /** Stripe tax ID type (eu_vat, gb_vat, us_ein, au_abn, …) and value; null when none */
  taxIdType: text("tax_id_type"),
  taxIdValue: text("tax_id_value"),
  /** the Stripe tax ID object (txi_…) holding it */
  stripeTaxId: text("stripe_tax_id"),
  updatedBy: uuid("updated_by").references(() => users.id, { onDelete: "set null" }),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export type PurchaseInvoice = typeof purchaseInvoices.$inferSelect;
export type BillingDetailsRow = typeof billingDetails.$inferSelect;
