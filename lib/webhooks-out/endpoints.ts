import { and, count, desc, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { webhookEndpoints, type WebhookEndpoint } from "@/db/schema";
import { ROTATED_SECRET_VALID_MS } from "@/lib/billing/webhook-policy";
import { env } from "@/lib/env";
import type { FieldErrors } from "@/lib/validation/field-errors";
import { endpointUrlProblem } from "@/lib/validation/webhook-url";
import { normalizeEvents, type CreateEndpointInput } from "./endpoint-schema";
import { resolveAllowed } from "./send";
import { generateSigningSecret } from "./signing";

/** Endpoints per org. */
const MAX_ENDPOINTS = 20;

/** An endpoint as the page and the API show it: never its secret. */
export type EndpointView = Omit<WebhookEndpoint, "secret" | "previousSecret">;

function view(e: WebhookEndpoint): EndpointView {
  const { secret: _s, previousSecret: _p, ...rest } = e;
  return rest;
}

/**
 * Adds an endpoint of `orgId`: the URL's shape, then (unless private URLs are allowed) every address its
 * host resolves to must be public. Returns the signing secret ONCE.
 */
export async function createEndpoint(
  db: DbOrTx,
  orgId: string,
  input: CreateEndpointInput,
): Promise<{ ok: true; endpoint: EndpointView; secret: string } | { ok: false; message: string; fieldErrors: FieldErrors }> {
  const allowPrivate = env().WEBHOOKS_ALLOW_PRIVATE_URLS;
  const refuse = (field: string, message: string) => ({ ok: false as const, message, fieldErrors: { [field]: [message] } });
  const problem = endpointUrlProblem(input.url, { allowPrivate });
  if (problem) return refuse("url", problem);
  if (!allowPrivate) {
    const resolved = await resolveAllowed(new URL(input.url).hostname, false);
    if (!resolved.ok)
      return refuse(
        "url",
        resolved.error.startsWith("Refused")
          ? "The URL must point to a public address (not a private, loopback or link-local one)."
          : "The URL's host could not be found.",
      );
  }
  const [{ n }] = (await db.select({ n: count() }).from(webhookEndpoints).where(eq(webhookEndpoints.orgId, orgId))) as [{ n: number }];
  if (n >= MAX_ENDPOINTS) return refuse("url", `An organization can have at most ${MAX_ENDPOINTS} endpoints; delete one first.`);
  const secret = generateSigningSecret();
  const [row] = await db
    .insert(webhookEndpoints)
    .values({ orgId, url: input.url, events: normalizeEvents(input.events), secret })
    .returning();
  return { ok: true, endpoint: view(row!), secret };
}

export async function listEndpoints(db: DbOrTx, orgId: string): Promise<EndpointView[]> {
  const rows = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.orgId, orgId)).orderBy(desc(webhookEndpoints.createdAt));
  return rows.map(view);
}

/** Deletes an endpoint of `orgId` (and its delivery log). False when there is none (another org's id included). */
export async function deleteEndpoint(db: DbOrTx, orgId: string, endpointId: string): Promise<boolean> {
  const rows = await db
    .delete(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.orgId, orgId)))
    .returning({ id: webhookEndpoints.id });
  return rows.length > 0;
}

/** Enables (a fresh start: no failure streak, no reason) or disables an endpoint of `orgId`. False when not found. */
export async function setEndpointEnabled(db: DbOrTx, orgId: string, endpointId: string, enabled: boolean, now = new Date()): Promise<boolean> {
  const set = enabled
    ? { status: "enabled", disabledReason: null, disabledAt: null, failingSince: null }
    : { status: "disabled", disabledReason: "Disabled by an owner", disabledAt: now };
  const rows = await db
    .update(webhookEndpoints)
    .set(set)
    .where(and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.orgId, orgId)))
    .returning({ id: webhookEndpoints.id });
  return rows.length > 0;
}

/**
 * A new signing secret for an endpoint of `orgId`, returned ONCE. The old one keeps signing (both
 * signatures are sent) for 24 h from `now`. Null when not found.
 */
export async function rotateEndpointSecret(db: DbOrTx, orgId: string, endpointId: string, now = new Date()): Promise<string | null> {
  const secret = generateSigningSecret();
  // one statement: on the right-hand side `secret` is the row's old value
  const rows = await db
    .update(webhookEndpoints)
    .set({ secret, previousSecret: sql`${webhookEndpoints.secret}`, previousSecretExpiresAt: new Date(now.getTime() + ROTATED_SECRET_VALID_MS) })
    .where(and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.orgId, orgId)))
    .returning({ id: webhookEndpoints.id });
  if (rows.length === 0) return null;
  return secret;
}
