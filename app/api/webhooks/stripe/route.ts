import { getDb } from "@/db/client";
import { handleStripeWebhook } from "@/lib/stripe/webhooks/handle-webhook";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Stripe webhooks: the raw body is verified, recorded once per event id, then dispatched. */
export async function POST(request: Request): Promise<Response> {
  const raw = await request.text();
  const { status, body } = await handleStripeWebhook(getDb(), raw, request.headers.get("stripe-signature"));
  return Response.json(body, { status });
}
