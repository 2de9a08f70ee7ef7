import { eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { organizations, stripeCustomers, type StripeCustomer } from "@/db/schema";
import { getStripe } from "./client";

/** Our customer↔org mapping row of an org, if any. */
export async function getStripeCustomer(db: DbOrTx, orgId: string): Promise<StripeCustomer | null> {
  const [row] = await db.select().from(stripeCustomers).where(eq(stripeCustomers.orgId, orgId));
  return row ?? null;
}

/** The org of a Stripe customer, from OUR mapping only (never from metadata or client input). */
export async function findOrgIdByCustomer(db: DbOrTx, customerId: string): Promise<string | null> {
  const [row] = await db.select({ orgId: stripeCustomers.orgId }).from(stripeCustomers).where(eq(stripeCustomers.customerId, customerId));
  return row?.orgId ?? null;
}

/**
 * The org's Stripe customer id, creating the customer on first need (`metadata.org_id`). Concurrent
 * callers converge: Stripe's idempotency key is derived from the org id, and the mapping insert is
 * conflict-free.
 */
export async function ensureStripeCustomer(db: DbOrTx, orgId: string, opts: { email?: string } = {}): Promise<string> {
  const existing = await getStripeCustomer(db, orgId);
  if (existing) return existing.customerId;
  const [org] = await db.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, orgId));
  if (!org) throw new Error(`org ${orgId} not found`);
  const customer = await getStripe().customers.create(
    { name: org.name, email: opts.email, metadata: { org_id: orgId } },
    { idempotencyKey: `customer-create:${orgId}` },
  );
  await db.insert(stripeCustomers).values({ orgId, customerId: customer.id }).onConflictDoNothing();
  const row = await getStripeCustomer(db, orgId);
  return row!.customerId;
}
