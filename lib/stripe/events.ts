import type Stripe from "stripe";
import { z } from "zod";
import { isStorableText } from "@/lib/validation/safe-text";
import { getStripe, webhookSecret } from "./client";

/** The parts of an event the event ledger and the dispatch rely on. */
const eventEnvelopeSchema = z.object({
  id: z.string().min(1).max(255).refine(isStorableText),
  type: z.string().min(1).max(255).refine(isStorableText),
  data: z.object({ object: z.looseObject({}) }),
});

export type ParsedWebhookEvent =
  | { ok: true; event: Stripe.Event }
  /** `unverified`: missing or bad signature (or a stale timestamp); `malformed`: signed, but no valid id, type or data.object */
  | { ok: false; reason: "unverified" | "malformed"; message: string };

/**
 * A webhook's raw body + `Stripe-Signature` header → a verified, well-formed event, or why not (with the
 * text the 400 answer carries). Verification uses STRIPE_WEBHOOK_SECRET and Stripe's tolerance (5 min).
 */
export function parseWebhookEvent(rawBody: string, signature: string | null): ParsedWebhookEvent {
  let event: Stripe.Event;
  try {
    if (!signature) throw new Error("missing Stripe-Signature header");
    event = getStripe().webhooks.constructEvent(rawBody, signature, webhookSecret());
  } catch (err) {
    return { ok: false, reason: "unverified", message: `Webhook signature verification failed: ${(err as Error).message}` };
  }
  const envelope = eventEnvelopeSchema.safeParse(event);
  if (!envelope.success) {
    const where = envelope.error.issues.map((i) => i.path.join(".") || "event").join(", ");
    return { ok: false, reason: "malformed", message: `Malformed event: missing or invalid ${where}.` };
  }
  return { ok: true, event };
}

/** The id of an expandable Stripe field (`"cus_…"` or `{ id: "cus_…" }`), or null. */
export function idOf(x: string | { id: string } | null | undefined): string | null {
  return typeof x === "string" ? x : (x?.id ?? null);
}
