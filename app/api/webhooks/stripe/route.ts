import { getDb } from "@/db/client";
import { BODY_LIMITS, readBodyLimited } from "@/lib/api/read-body";
import { toResponse } from "@/lib/api/responses";
import { handleStripeWebhook } from "@/lib/billing-events/webhooks/handle-webhook";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * Stripe webhooks: the raw body (at most 256 KiB, counted while streaming: 413 before any verification)
 * is verified, recorded once per event id, then dispatched.
 */
export async function POST(request: Request): Promise<Response> {
  const read = await readBodyLimited(request, BODY_LIMITS.webhook);
  if (!read.ok) return toResponse(read.reply);
  const { status, body } = await handleStripeWebhook(getDb(), read.text, request.headers.get("stripe-signature"));
  return Response.json(body, { status });
}
