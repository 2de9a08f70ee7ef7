import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";

/** A Standard Webhooks signing secret: `whsec_` + base64 of 32 random bytes. */
export function generateSigningSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

/**
 * The Standard Webhooks headers for `payload`: `webhook-id` (the event id, the same on every retry and
 * resend), `webhook-timestamp` (seconds) and `webhook-signature` — one `v1,<base64>` per secret, space
 * separated (after a rotation both the new and the old secret sign, so either verifies).
 */
export function signedHeaders(p: { msgId: string; payload: string; secrets: string[]; at: Date }): Record<string, string> {
  return {
    "webhook-id": p.msgId,
    "webhook-timestamp": String(Math.floor(p.at.getTime() / 1000)),
    "webhook-signature": p.secrets.map((s) => new Webhook(s).sign(p.msgId, p.at, p.payload)).join(" "),
  };
}
