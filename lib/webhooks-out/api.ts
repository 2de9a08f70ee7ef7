import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { webhookEndpoints } from "@/db/schema";
import { errorReply, invalidRequest, type ApiReply } from "@/lib/api/responses";
import { parseUuid } from "@/lib/validation/ids";
import { listDeliveries, type DeliveryView } from "./delivery-log";
import type { CreateEndpointInput } from "./endpoint-schema";
import { createEndpoint, deleteEndpoint, listEndpoints, type EndpointView } from "./endpoints";

/**
 * The webhook REST API's endpoint logic, on parsed input (the shell, lib/api/endpoint, did the key, scope,
 * body limit, JSON and zod). Unknown ids, malformed ids and other orgs' ids are one 404.
 */

const NOT_FOUND = (what: string) => errorReply("not_found", `No such ${what}.`);

function endpointJson(e: EndpointView) {
  return {
    id: e.id,
    url: e.url,
    events: e.events,
    status: e.status,
    disabled_reason: e.disabledReason,
    created_at: e.createdAt.toISOString(),
  };
}

function deliveryJson(d: DeliveryView) {
  return {
    id: d.id,
    endpoint_id: d.endpointId,
    event_id: d.eventId,
    event_type: d.eventType,
    status: d.status,
    next_attempt_at: d.nextAttemptAt?.toISOString() ?? null,
    resend_of: d.resendOf,
    created_at: d.createdAt.toISOString(),
    attempts: d.attempts.map((a) => ({
      attempt: a.attempt,
      status: a.status,
      response_code: a.responseCode,
      duration_ms: a.durationMs,
      error: a.error,
      next_retry_at: a.nextRetryAt?.toISOString() ?? null,
      attempted_at: a.attemptedAt.toISOString(),
    })),
  };
}

/** `GET /api/v1/webhook-endpoints` → `{ endpoints: [...] }` (newest first, never a secret). */
export async function listEndpointsReply(db: Db, orgId: string): Promise<ApiReply> {
  return { status: 200, body: { endpoints: (await listEndpoints(db, orgId)).map(endpointJson) } };
}

/** `POST /api/v1/webhook-endpoints` `{url, events}` → 201 with the signing secret (only here), or 422 per field. */
export async function createEndpointReply(db: Db, orgId: string, input: CreateEndpointInput): Promise<ApiReply> {
  const r = await createEndpoint(db, orgId, input);
  if (!r.ok) return invalidRequest(r.fieldErrors, r.message);
  return { status: 201, body: { ...endpointJson(r.endpoint), secret: r.secret } };
}

/** `DELETE /api/v1/webhook-endpoints/{id}` → `{ id, deleted: true }`, or 404. */
export async function deleteEndpointReply(db: Db, orgId: string, rawId: string): Promise<ApiReply> {
  const id = parseUuid(rawId);
  if (!id || !(await deleteEndpoint(db, orgId, id))) return NOT_FOUND("webhook endpoint");
  return { status: 200, body: { id, deleted: true } };
}

const LIMIT_MESSAGE = "limit must be an integer between 1 and 100";

/** `?endpoint_id=&limit=1..100 (default 20)&starting_after=<delivery id>` (empty values are none). */
export const deliveriesQuerySchema = z.object({
  endpoint_id: z.union([z.literal(""), z.uuid("endpoint_id must be a webhook endpoint id")], { error: "endpoint_id must be a webhook endpoint id" }).optional(),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, LIMIT_MESSAGE)
    .transform(Number)
    .pipe(z.number().min(1, LIMIT_MESSAGE).max(100, LIMIT_MESSAGE))
    .optional(),
  starting_after: z.union([z.literal(""), z.uuid("starting_after must be a delivery id")], { error: "starting_after must be a delivery id" }).optional(),
});

/** `GET /api/v1/webhook-deliveries` → `{ deliveries: [{…, attempts: [...]}], has_more }` (newest first). */
export async function listDeliveriesReply(db: Db, orgId: string, query: z.output<typeof deliveriesQuerySchema>): Promise<ApiReply> {
  const endpointId = query.endpoint_id || null;
  if (endpointId) {
    const [e] = await db
      .select({ id: webhookEndpoints.id })
      .from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.orgId, orgId)));
    if (!e) return NOT_FOUND("webhook endpoint");
  }
  const page = await listDeliveries(db, orgId, { endpointId, limit: query.limit ?? 20, startingAfter: query.starting_after || null });
  if (!page) return NOT_FOUND("delivery (starting_after)");
  return { status: 200, body: { deliveries: page.items.map(deliveryJson), has_more: page.hasMore } };
}
