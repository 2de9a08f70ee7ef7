import { z } from "zod";
import { DEFAULT_METER, isMeterId, isWithinUsageWindow, meterList, type MeterId } from "@/lib/billing/meters";
import { isStorableText } from "@/lib/validation/safe-text";

const QUANTITY_MESSAGE = "quantity must be an integer between 1 and 1000000 (units of the meter).";

/** `meter`: one of METER_IDS (422 listing them); absent → DEFAULT_METER. */
export const meterSchema = z
  .string({ error: `meter must be one of: ${meterList()}.` })
  .refine(isMeterId, `meter must be one of: ${meterList()}.`)
  .transform((m) => m as MeterId)
  .default(DEFAULT_METER);

/** `properties`: at most 10 keys (1..40 chars), string values of at most 200 characters. */
export const propertiesSchema = z
  .record(
    z
      .string()
      .min(1, "properties keys must not be empty.")
      .max(40, "properties keys must be at most 40 characters.")
      .refine(isStorableText, "properties keys must not contain NUL characters or unpaired surrogates."),
    z
      .string({ error: "properties values must be strings." })
      .max(200, "properties values must be at most 200 characters.")
      .refine(isStorableText, "properties values must not contain NUL characters or unpaired surrogates."),
    { error: "properties must be an object of string keys to string values." },
  )
  .refine((p) => Object.keys(p).length <= 10, "properties must have at most 10 keys.")
  .optional();

/** `timestamp`: ISO 8601 with an offset, within the last 24 h or at most 5 min ahead (checked at parse time). */
const timestampSchema = z
  .string({ error: "timestamp must be an ISO 8601 date-time, e.g. 2026-12-04T12:00:00Z." })
  .refine((s) => z.iso.datetime({ offset: true }).safeParse(s).success, "timestamp must be an ISO 8601 date-time, e.g. 2026-12-04T12:00:00Z.")
  .transform((s) => new Date(s))
  .refine((d) => isWithinUsageWindow(d, new Date()), "timestamp must be within the last 24 hours and at most 5 minutes ahead.")
  .optional();

const idempotencyKeySchema = z
  .string({ error: "idempotency_key must be a string." })
  .min(1, "idempotency_key must not be empty.")
  .max(255, "idempotency_key must be at most 255 characters.")
  .refine(isStorableText, "idempotency_key must not contain NUL characters or unpaired surrogates.")
  .optional();

/**
 * Body of `POST /api/v1/usage`. `meter` (default DEFAULT_METER); `quantity`: units of the meter, integer
 * 1..1,000,000; `idempotency_key`: 1..255 chars, no NUL or unpaired surrogate; `properties`: ≤ 10 string
 * keys → strings ≤ 200; `timestamp`: within the last 24 h or 5 min ahead (422 for each).
 */
export const usageEventSchema = z.strictObject({
  meter: meterSchema,
  quantity: z.number({ error: QUANTITY_MESSAGE }).int(QUANTITY_MESSAGE).min(1, QUANTITY_MESSAGE).max(1_000_000, QUANTITY_MESSAGE),
  idempotency_key: idempotencyKeySchema,
  properties: propertiesSchema,
  timestamp: timestampSchema,
});
/** A parsed usage event; `meter` may be left out by callers inside the app (→ DEFAULT_METER). */
export type UsageEventInput = Omit<z.infer<typeof usageEventSchema>, "meter"> & { meter?: MeterId };

/** Body of `POST /api/v1/usage/batch`: 1..1,000 events, applied in order. */
export const usageBatchSchema = z.strictObject({
  events: z
    .array(usageEventSchema, { error: "events must be an array of usage events." })
    .min(1, "events must contain at least 1 event.")
    .max(1000, "events must contain at most 1000 events."),
});
