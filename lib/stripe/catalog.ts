import type Stripe from "stripe";
import { PLANS, type Plan } from "@/lib/billing/plans";
import { getStripe } from "./client";

/**
 * Creates the Products/Prices of the paid plans in Stripe (emulator or real) if missing, found by Price
 * lookup key. Idempotent: run it any number of times. Returns lookup key → price id.
 */
export async function ensureStripeCatalog(): Promise<Record<string, string>> {
  const stripe = getStripe();
  const out: Record<string, string> = {};
  for (const plan of Object.values(PLANS)) {
    if (!plan.priceLookupKey) continue;
    out[plan.priceLookupKey] = (await findPrice(stripe, plan.priceLookupKey))?.id ?? (await createPlanPrice(stripe, plan)).id;
  }
  return out;
}

async function findPrice(stripe: Stripe, lookupKey: string): Promise<Stripe.Price | null> {
  const list = await stripe.prices.list({ lookup_keys: [lookupKey], active: true, limit: 1 });
  return list.data[0] ?? null;
}

async function createPlanPrice(stripe: Stripe, plan: Plan): Promise<Stripe.Price> {
  const product = await stripe.products.create({ name: `Refill ${plan.name}`, metadata: { plan_id: plan.id } }, { idempotencyKey: `product:${plan.id}:v1` });
  return stripe.prices.create(
    {
      product: product.id,
      currency: "usd",
      unit_amount: plan.monthlyPriceCents,
      recurring: { interval: "month" },
      lookup_key: plan.priceLookupKey!,
      metadata: { plan_id: plan.id },
    },
    { idempotencyKey: `price:${plan.priceLookupKey}:v1` },
  );
}

/** The price id of a plan's subscription (creating the catalog when missing). */
export async function priceIdForPlan(plan: Plan): Promise<string> {
  if (!plan.priceLookupKey) throw new Error(`${plan.name} has no subscription price`);
  const found = await findPrice(getStripe(), plan.priceLookupKey);
  if (found) return found.id;
  return (await ensureStripeCatalog())[plan.priceLookupKey]!;
}
