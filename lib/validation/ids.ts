import { z } from "zod";

/**
 * Ids and cursors from URLs and bodies, parsed before they reach a query: a malformed one is a 4xx
 * (or "no such thing"), never a Postgres cast error. Pure.
 */

/** A UUID as our tables make them (`gen_random_uuid()`, uuid v4/v7), case-insensitive. */
const uuidSchema = z.uuid();

/** A ledger entry id (bigserial) used as a keyset cursor: decimal digits, 1..Number.MAX_SAFE_INTEGER. */
const ledgerCursorSchema = z
  .string()
  .regex(/^[1-9]\d{0,15}$/, "must be a positive integer")
  .transform(Number)
  .refine((n) => Number.isSafeInteger(n), "must be at most 2^53 - 1");

/** `raw` when it is a UUID, else null. */
export function parseUuid(raw: unknown): string | null {
  const r = uuidSchema.safeParse(raw);
  return r.success ? r.data : null;
}

/** The ledger cursor `raw` (a `?before=` value) as a number, or null when absent or malformed. */
export function parseLedgerCursor(raw: unknown): number | null {
  const r = ledgerCursorSchema.safeParse(raw);
  return r.success ? r.data : null;
}

/** A Stripe Checkout Session id (`cs_…`) from a return URL, or null. */
export function parseCheckoutSessionId(raw: unknown): string | null {
  return typeof raw === "string" && /^cs_[A-Za-z0-9_]{1,255}$/.test(raw) ? raw : null;
}
