import { and, asc, desc, eq, inArray, lt, or } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { webhookDeliveries, webhookDeliveryAttempts, webhookEndpoints } from "@/db/schema";
import { queueDelivery } from "./fan-out";

export interface DeliveryAttemptView {
  attempt: number;
  status: string;
  responseCode: number | null;
  durationMs: number;
  error: string | null;
  nextRetryAt: Date | null;
  attemptedAt: Date;
}

export interface DeliveryView {
  id: string;
  endpointId: string;
  endpointUrl: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: DeliveryAttemptView[];
  nextAttemptAt: Date | null;
  resendOf: string | null;
  createdAt: Date;
}

/**
 * A page of `orgId`'s deliveries, newest first, each with its attempts (oldest first); optionally one
 * endpoint's, after the delivery `startingAfter` (keyset on created_at, id). A cursor of another org or
 * endpoint is "not found" (null).
 */
export async function listDeliveries(
  db: DbOrTx,
  orgId: string,
  opts: { endpointId?: string | null; limit: number; startingAfter?: string | null },
): Promise<{ items: DeliveryView[]; hasMore: boolean } | null> {
  const conds = [eq(webhookDeliveries.orgId, orgId)];
  if (opts.endpointId) conds.push(eq(webhookDeliveries.endpointId, opts.endpointId));
  if (opts.startingAfter) {
    const [c] = await db
      .select({ createdAt: webhookDeliveries.createdAt, id: webhookDeliveries.id })
      .from(webhookDeliveries)
      .where(and(...conds, eq(webhookDeliveries.id, opts.startingAfter)));
    if (!c) return null;
    conds.push(or(lt(webhookDeliveries.createdAt, c.createdAt), and(eq(webhookDeliveries.createdAt, c.createdAt), lt(webhookDeliveries.id, c.id)))!);
  }
  const rows = await db
    .select({ d: webhookDeliveries, url: webhookEndpoints.url })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(and(...conds))
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(opts.limit + 1);
  const page = rows.slice(0, opts.limit);
  const attempts = page.length
    ? await db
        .select()
        .from(webhookDeliveryAttempts)
        .where(
          inArray(
            webhookDeliveryAttempts.deliveryId,
            page.map((r) => r.d.id),
          ),
        )
        .orderBy(asc(webhookDeliveryAttempts.attempt))
    : [];
  return {
    hasMore: rows.length > opts.limit,
    items: page.map(({ d, url }) => ({
      id: d.id,
      endpointId: d.endpointId,
      endpointUrl: url,
      eventId: d.eventId,
      eventType: d.eventType,
      status: d.status,
      nextAttemptAt: d.nextAttemptAt,
      resendOf: d.resendOf,
      createdAt: d.createdAt,
      attempts: attempts
        .filter((a) => a.deliveryId === d.id)
        .map((a) => ({
          attempt: a.attempt,
          status: a.status,
          responseCode: a.responseCode,
          durationMs: a.durationMs,
          error: a.error,
          nextRetryAt: a.nextRetryAt,
          attemptedAt: a.attemptedAt,
        })),
    })),
  };
}

/**
 * "Resend": a new delivery of the same event to the same endpoint (the same `webhook-id`, so a receiver
 * that de-duplicates sees it once), due now, its job queued in `db`. Errors: not found (another org's id
 * too) or the endpoint is disabled.
 */
export async function resendDelivery(
  db: DbOrTx,
  orgId: string,
  deliveryId: string,
  now = new Date(),
): Promise<{ ok: true; deliveryId: string } | { ok: false; code: "not_found" | "endpoint_disabled"; message: string }> {
  const [row] = await db
    .select({ d: webhookDeliveries, status: webhookEndpoints.status })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.orgId, orgId)));
  if (!row) return { ok: false, code: "not_found", message: "Delivery not found." };
  if (row.status !== "enabled") return { ok: false, code: "endpoint_disabled", message: "Enable the endpoint before resending to it." };
  const id = await queueDelivery(db, {
    orgId,
    endpointId: row.d.endpointId,
    eventId: row.d.eventId,
    eventType: row.d.eventType,
    now,
    resendOf: row.d.resendOf ?? row.d.id,
  });
  return { ok: true, deliveryId: id };
}
