import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { stripeEvents } from "@/db/schema";
import { childLogger } from "@/lib/log";
import { recordWebhook } from "@/lib/metrics";
import { parseWebhookEvent } from "@/lib/stripe/events";
import { handleChargeDispute } from "./charge-dispute";
import { handleChargeRefunded } from "./charge-refunded";
import { handleCheckoutSessionCompleted } from "./checkout-session-completed";
import { handleInvoicePaid } from "./invoice-paid";
import { handlePaymentIntentChanged } from "./payment-intent-changed";
import { handleSetupIntentSucceeded } from "./setup-intent-succeeded";
import { handleCustomerStateChanged } from "./subscription-changed";
import type { WebhookHandler } from "./types";

/** The allow-list: event type → handler. Anything else is acknowledged and ignored. */
const WEBHOOK_HANDLERS: Readonly<Record<string, WebhookHandler>> = {
  "checkout.session.completed": handleCheckoutSessionCompleted,
  "checkout.session.async_payment_succeeded": handleCheckoutSessionCompleted,
  "invoice.paid": handleInvoicePaid,
  "customer.subscription.created": handleCustomerStateChanged,
  "customer.subscription.updated": handleCustomerStateChanged,
  "customer.subscription.deleted": handleCustomerStateChanged,
  "customer.updated": handleCustomerStateChanged,
  "payment_method.attached": handleCustomerStateChanged,
  "payment_method.detached": handleCustomerStateChanged,
  "setup_intent.succeeded": handleSetupIntentSucceeded,
  "payment_intent.succeeded": handlePaymentIntentChanged,
  "payment_intent.payment_failed": handlePaymentIntentChanged,
  "payment_intent.requires_action": handlePaymentIntentChanged,
  "payment_intent.canceled": handlePaymentIntentChanged,
  "charge.refunded": handleChargeRefunded,
  "charge.dispute.created": handleChargeDispute,
  "charge.dispute.funds_withdrawn": handleChargeDispute,
  "charge.dispute.closed": handleChargeDispute,
};

export interface WebhookResponse {
  status: number;
  body: { eventId?: string; type?: string; result?: string; error?: string };
}

/**
 * raw body → verify signature → record the event (unique id) → dispatch on the allow-list → result.
 * Bad/missing signature, or a signed event without a valid `id`, `type` and `data.object`: 400, nothing written. Handler error: 500 (Stripe retries; handlers are idempotent).
 */
export async function handleStripeWebhook(db: Db, rawBody: string, signature: string | null): Promise<WebhookResponse> {
  const parsed = parseWebhookEvent(rawBody, signature);
  if (!parsed.ok) {
    // unverified, or signed but without an id, a type or a data.object: refused before any write
    recordWebhook(parsed.reason, "rejected");
    return { status: 400, body: { error: parsed.message } };
  }
  const { event } = parsed;
  const base = { eventId: event.id, type: event.type };
  const [rec] = await db
    .insert(stripeEvents)
    .values({ id: event.id, type: event.type })
    .onConflictDoUpdate({ target: stripeEvents.id, set: { deliveries: sql`${stripeEvents.deliveries} + 1` } })
    .returning();
  if (rec && (rec.outcome === "processed" || rec.outcome === "ignored") && rec.deliveries > 1) {
    recordWebhook(event.type, "duplicate");
    return { status: 200, body: { ...base, result: `duplicate: ${rec.result ?? rec.outcome}` } };
  }

  const handler = WEBHOOK_HANDLERS[event.type];
  if (!handler) {
    recordWebhook(event.type, "ignored", event.created);
    await finish(db, event.id, "ignored", "ignored: event type not handled");
    return { status: 200, body: { ...base, result: "ignored: event type not handled" } };
  }
  try {
    const r = await handler(db, event);
    if (r.ignored) childLogger({ component: "stripe-webhook", eventId: event.id, type: event.type }).info({ result: r.result }, "webhook event ignored");
    await finish(db, event.id, r.ignored ? "ignored" : "processed", r.result);
    recordWebhook(event.type, r.ignored ? "ignored" : "processed", event.created);
    return { status: 200, body: { ...base, result: r.result } };
  } catch (err) {
    childLogger({ component: "stripe-webhook", eventId: event.id, type: event.type }).error({ err }, "webhook handler failed; Stripe will retry");
    await finish(db, event.id, "failed", `error: ${(err as Error).message}`.slice(0, 500)).catch(() => {});
    recordWebhook(event.type, "failed", event.created);
    return { status: 500, body: { ...base, error: "Webhook handler failed; Stripe will retry." } };
  }
}

async function finish(db: Db, id: string, outcome: "processed" | "ignored" | "failed", result: string) {
  await db.update(stripeEvents).set({ outcome, result, processedAt: new Date() }).where(eq(stripeEvents.id, id));
}
