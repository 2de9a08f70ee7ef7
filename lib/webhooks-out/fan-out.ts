import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { webhookDeliveries, webhookEndpoints } from "@/db/schema";
import { isSubscribed } from "@/lib/billing/webhook-policy";
import { enqueueJob } from "@/lib/jobs/queue";

export const DELIVER_JOB = "webhooks.deliver";

/** An event as fan-out needs it (a `RefillEvent`, lib/events/record-event). */
interface FanOutEvent {
  id: string;
  type: string;
  org_id: string;
}

/**
 * One delivery row and its pg-boss job per enabled endpoint of the org subscribed to `event.type`, IN `db`
 * (the transaction that recorded the event: deliveries exist iff the cause committed). Returns their ids.
 */
export async function fanOutToEndpoints(db: DbOrTx, event: FanOutEvent, now = new Date()): Promise<string[]> {
  const endpoints = await db
    .select({ id: webhookEndpoints.id, events: webhookEndpoints.events })
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.orgId, event.org_id), eq(webhookEndpoints.status, "enabled")));
  const ids: string[] = [];
  for (const e of endpoints.filter((e) => isSubscribed(e.events, event.type))) {
    ids.push(await queueDelivery(db, { orgId: event.org_id, endpointId: e.id, eventId: event.id, eventType: event.type, now }));
  }
  return ids;
}

/** Inserts a pending delivery due `now` and queues its job in `db`. */
export async function queueDelivery(
  db: DbOrTx,
  p: { orgId: string; endpointId: string; eventId: string; eventType: string; now: Date; resendOf?: string },
): Promise<string> {
  const [row] = await db
    .insert(webhookDeliveries)
    .values({ orgId: p.orgId, endpointId: p.endpointId, eventId: p.eventId, eventType: p.eventType, nextAttemptAt: p.now, resendOf: p.resendOf ?? null })
    .returning({ id: webhookDeliveries.id });
  await enqueueJob(DELIVER_JOB, { deliveryId: row!.id }, { tx: db, singletonKey: `webhook:${row!.id}:1` });
  return row!.id;
}
