import { z } from "zod";
import { DEFAULT_HOLD_SECONDS, MAX_HOLD_SECONDS } from "@/lib/ledger/holds";
import { meterSchema, propertiesSchema, usageEventSchema } from "@/lib/usage/usage-schema";

const idempotencyKey = usageEventSchema.shape.idempotency_key;

const units = (min: number) => {
  const message = `quantity must be an integer between ${min} and 1000000 (units of the meter).`;
  return z.number({ error: message }).int(message).min(min, message).max(1_000_000, message);
};

/**
 * Body of `POST /api/v1/holds`: `meter` (default DEFAULT_METER) and `properties` as for usage, fixed for the
 * capture; `quantity` 1..1,000,000 units of the meter; `expires_in` 1..86,400 s (default 3,600); `idempotency_key` ≤ 255.
 */
export const createHoldSchema = z.strictObject({
  meter: meterSchema,
  properties: propertiesSchema,
  quantity: units(1),
  expires_in: z
    .number({ error: `expires_in must be an integer number of seconds between 1 and ${MAX_HOLD_SECONDS}.` })
    .int(`expires_in must be an integer number of seconds between 1 and ${MAX_HOLD_SECONDS}.`)
    .min(1, `expires_in must be an integer number of seconds between 1 and ${MAX_HOLD_SECONDS}.`)
    .max(MAX_HOLD_SECONDS, `expires_in must be at most ${MAX_HOLD_SECONDS} seconds (24 hours).`)
    .default(DEFAULT_HOLD_SECONDS),
  idempotency_key: idempotencyKey,
});

/** Body of `POST /api/v1/holds/{id}/capture`: the call's actual usage, 0..1,000,000 units of the hold's meter (may exceed the hold). */
export const captureHoldSchema = z.strictObject({
  quantity: units(0),
  idempotency_key: idempotencyKey,
});

/** Body of `POST /api/v1/holds/{id}/release`: none, or `{}`. */
export const releaseHoldSchema = z.strictObject({});

/** A hold id as the API hands it out (a UUID); anything else names no hold (404). */
export function isHoldId(id: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
}
