/**
 * `npm run stripe:setup`: creates the Products/Prices of the plan catalog (lib/billing/plans.ts) in Stripe —
 * the emulator (STRIPE_API_BASE) or your Stripe account (STRIPE_SECRET_KEY) — found by lookup key, so it is
 * safe to run again.
 */
import { ensureStripeCatalog } from "@/lib/stripe/catalog";

const prices = await ensureStripeCatalog();
for (const [lookupKey, id] of Object.entries(prices)) console.log(`${lookupKey} → ${id}`);
process.exit(0);
