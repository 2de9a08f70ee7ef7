import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { outgoingEvents } from "@/db/schema";
import type { EventType } from "@/lib/billing/event-types";
import { fanOutToEndpoints } from "@/lib/webhooks-out/fan-out";

/** A Refill event as its webhook payload carries it (Standard Webhooks body). */
export interface RefillEvent {
  /** `evt_` + 24 hex characters; also the `webhook-id` of every delivery */
  id: string;
  type: EventType;
  /** ISO 8601, UTC */
  created_at: string;
  org_id: string;
  /** the same object the REST API returns for the thing that changed */
  data: Record<string, unknown>;
}

/**
 * Records event `type` for `orgId` IN `db` — the caller's transaction, the one that makes the change the
 * event reports — once per `dedupeKey` (per org; a second call with the same key returns the first event and
 * fans out nothing). The same transaction fans it out to the org's endpoints (`fanOutEvent`: one delivery
 * row and its pg-boss job per subscribed endpoint), so an event and its deliveries exist iff the change
 * committed. Returns the event and whether it is new.
 */
export async function recordEvent(
  db: DbOrTx,
  p: { orgId: string; type: EventType; data: Record<string, unknown>; dedupeKey: string },
): Promise<{ event: RefillEvent; created: boolean }> {
  const id = `evt_${randomBytes(12).toString("hex")}`;
  const [row] = await db
    .insert(outgoingEvents)
    .values({ id, orgId: p.orgId, type: p.type, data: p.data, dedupeKey: p.dedupeKey })
    .onConflictDoNothing()
    .returning();
  if (row) {
    const event = toRefillEvent(row);
    await fanOutEvent(db, event);
    return { event, created: true };
  }
  const [existing] = await db
    .select()
    .from(outgoingEvents)
    .where(and(eq(outgoingEvents.orgId, p.orgId), eq(outgoingEvents.dedupeKey, p.dedupeKey)));
  return { event: toRefillEvent(existing!), created: false };
}

function toRefillEvent(row: typeof outgoingEvents.$inferSelect): RefillEvent {
  return { id: row.id, type: row.type as EventType, created_at: row.createdAt.toISOString(), org_id: row.orgId, data: row.data };
}

/**
 * Fans `event` out to the org's enabled endpoints subscribed to its type, in `db`: one delivery row and its
 * pg-boss job each (lib/webhooks-out/fan-out.ts).
 */
async function fanOutEvent(db: DbOrTx, event: RefillEvent): Promise<void> {
  await fanOutToEndpoints(db, event);
}
