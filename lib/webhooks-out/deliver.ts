import { and, eq, isNull, lt, lte, or, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { organizations, outgoingEvents, webhookDeliveries, webhookDeliveryAttempts, webhookEndpoints, type WebhookDelivery } from "@/db/schema";
import { DELIVERY_TIMEOUT_MS, isDeliverySuccess, nextRetryAt, shouldDisableEndpoint, signingSecrets } from "@/lib/billing/webhook-policy";
import { env } from "@/lib/env";
import { enqueueJob } from "@/lib/jobs/queue";
import { logger } from "@/lib/log";
import { recordEmail } from "@/lib/notifications/emails";
import { webhookEndpointDisabledEmail } from "@/lib/notifications/webhook-emails";
import { DELIVER_JOB } from "./fan-out";
import { postWebhook, type SendResult } from "./send";
import { signedHeaders } from "./signing";

/** A claimed delivery is another sender's for this long (longer than an attempt's timeout). */
const LEASE_MS = 60_000;
/** A job may start this much before its delivery's time (clock skew between pg-boss and us). */
const EARLY_SLACK_MS = 2_000;

export interface DeliverResult {
  result: "succeeded" | "retrying" | "failed" | "skipped" | "endpoint_disabled";
  attempt?: number;
  responseCode?: number | null;
  nextAttemptAt?: Date | null;
  /** this attempt disabled the endpoint (5 days of failures) */
  disabledEndpoint?: boolean;
}

/**
 * Makes the due attempt of delivery `deliveryId` at `now` (default: the clock; tests pass a later one to
 * drive the retry schedule). Claims it with a lease (one sender at a time; a second job or the sweep finds
 * nothing due), POSTs the signed event, then records the attempt and its consequence in one transaction:
 * success; or the next retry (its job queued in that transaction) or `failed`; and 5 days of continuous
 * failures disable the endpoint and email the org's owners. The signature's timestamp is the real time of
 * sending (what the receiver checks against its clock).
 */
export async function deliverWebhook(db: Db, deliveryId: string, opts: { now?: Date } = {}): Promise<DeliverResult> {
  const now = opts.now ?? new Date();
  const [claimed] = await db
    .update(webhookDeliveries)
    .set({ leaseUntil: new Date(now.getTime() + LEASE_MS) })
    .where(
      and(
        eq(webhookDeliveries.id, deliveryId),
        eq(webhookDeliveries.status, "pending"),
        lte(webhookDeliveries.nextAttemptAt, new Date(now.getTime() + EARLY_SLACK_MS)),
        or(isNull(webhookDeliveries.leaseUntil), lt(webhookDeliveries.leaseUntil, now)),
      ),
    )
    .returning();
  if (!claimed) return { result: "skipped" };
  const [row] = await db
    .select({ endpoint: webhookEndpoints, event: outgoingEvents })
    .from(webhookEndpoints)
    .innerJoin(outgoingEvents, eq(outgoingEvents.id, claimed.eventId))
    .where(eq(webhookEndpoints.id, claimed.endpointId));
  if (!row || row.endpoint.status !== "enabled") {
    await db
      .update(webhookDeliveries)
      .set({ status: "failed", nextAttemptAt: null, leaseUntil: null, lastError: "Endpoint disabled" })
      .where(eq(webhookDeliveries.id, deliveryId));
    return { result: "endpoint_disabled" };
  }
  const { endpoint, event } = row;
  const payload = JSON.stringify({ id: event.id, type: event.type, created_at: event.createdAt.toISOString(), org_id: event.orgId, data: event.data });
  const headers = signedHeaders({ msgId: event.id, payload, secrets: signingSecrets(endpoint, now), at: new Date() });
  const sent = await postWebhook({
    url: endpoint.url,
    body: payload,
    headers,
    allowPrivate: env().WEBHOOKS_ALLOW_PRIVATE_URLS,
    timeoutMs: DELIVERY_TIMEOUT_MS,
  });
  return db.transaction((tx) => recordAttempt(tx, claimed, endpoint.url, sent, now));
}

async function recordAttempt(tx: DbOrTx, d: WebhookDelivery, url: string, sent: SendResult, now: Date): Promise<DeliverResult> {
  const attempt = d.attempts + 1;
  const ok = sent.status !== null && isDeliverySuccess(sent.status);
  const error = ok ? null : (sent.error ?? `HTTP ${sent.status}${sent.status! >= 300 && sent.status! < 400 ? " (redirects are not followed)" : ""}`);
  const retryAt = ok ? null : nextRetryAt(attempt, now);
  await tx.insert(webhookDeliveryAttempts).values({
    orgId: d.orgId,
    deliveryId: d.id,
    endpointId: d.endpointId,
    attempt,
    status: ok ? "succeeded" : "failed",
    responseCode: sent.status,
    durationMs: sent.durationMs,
    error,
    nextRetryAt: retryAt,
    attemptedAt: now,
  });
  await tx
    .update(webhookDeliveries)
    .set({
      attempts: attempt,
      status: ok ? "succeeded" : retryAt ? "pending" : "failed",
      nextAttemptAt: retryAt,
      leaseUntil: null,
      lastResponseCode: sent.status,
      lastError: error,
    })
    .where(eq(webhookDeliveries.id, d.id));
  if (ok) {
    await tx.update(webhookEndpoints).set({ failingSince: null }).where(eq(webhookEndpoints.id, d.endpointId));
    return { result: "succeeded", attempt, responseCode: sent.status, nextAttemptAt: null };
  }
  if (retryAt) {
    const startAfterSeconds = Math.max(1, Math.ceil((retryAt.getTime() - now.getTime()) / 1000));
    await enqueueJob(DELIVER_JOB, { deliveryId: d.id }, { tx, startAfterSeconds, singletonKey: `webhook:${d.id}:${attempt + 1}` });
  }
  const disabledEndpoint = await disableIfFailingTooLong(tx, d, url, error!, now);
  return { result: retryAt ? "retrying" : "failed", attempt, responseCode: sent.status, nextAttemptAt: retryAt, disabledEndpoint };
}

/** Marks the endpoint failing since `now` (unless it already was); after 5 days of it, disables it and emails the owners. */
async function disableIfFailingTooLong(tx: DbOrTx, d: WebhookDelivery, url: string, error: string, now: Date): Promise<boolean> {
  const [e] = await tx
    .update(webhookEndpoints)
    .set({ failingSince: sql`coalesce(${webhookEndpoints.failingSince}, ${now.toISOString()}::timestamptz)` })
    .where(eq(webhookEndpoints.id, d.endpointId))
    .returning({ failingSince: webhookEndpoints.failingSince, status: webhookEndpoints.status });
  if (!e || e.status !== "enabled" || !shouldDisableEndpoint(e.failingSince, now)) return false;
  const reason = `Deliveries failed continuously for 5 days (last error: ${error})`;
  await tx.update(webhookEndpoints).set({ status: "disabled", disabledReason: reason, disabledAt: now }).where(eq(webhookEndpoints.id, d.endpointId));
  const [org] = await tx.select().from(organizations).where(eq(organizations.id, d.orgId));
  await recordEmail(tx, {
    orgId: d.orgId,
    kind: "webhook_endpoint_disabled",
    content: await webhookEndpointDisabledEmail({ orgName: org!.name, url, reason: error, developersUrl: `${env().APP_URL}/${org!.slug}/settings/developers` }),
    dedupeKey: `webhook-endpoint-disabled:${d.endpointId}:${now.toISOString()}`,
  });
  logger.warn({ orgId: d.orgId, endpointId: d.endpointId, component: "webhooks" }, "webhook endpoint disabled after 5 days of failures");
  return true;
}

/**
 * The safety net behind the jobs (every minute): deliveries due for over a minute whose job is gone (a
 * crash, a lost job) and that nobody holds are attempted now. Returns how many were attempted.
 */
export async function sweepDueDeliveries(db: Db, now = new Date()): Promise<number> {
  const due = await db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.status, "pending"),
        lt(webhookDeliveries.nextAttemptAt, new Date(now.getTime() - 60_000)),
        or(isNull(webhookDeliveries.leaseUntil), lt(webhookDeliveries.leaseUntil, now)),
      ),
    )
    .limit(50);
  for (const d of due) await deliverWebhook(db, d.id, { now });
  return due.length;
}
