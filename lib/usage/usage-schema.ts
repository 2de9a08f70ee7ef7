import { z } from "zod";
import { isStorableText } from "@/lib/validation/safe-text";

/** Body of `POST /api/v1/usage`. `quantity`: credits, integer 1..1,000,000; `idempotency_key`: 1..255 chars, no NUL or unpaired surrogate (422). */
export const usageEventSchema = z.strictObject({
  quantity: z
    .number({ error: "quantity must be an integer between 1 and 1000000." })
    .int("quantity must be an integer between 1 and 1000000.")
    .min(1, "quantity must be an integer between 1 and 1000000.")
    .max(1_000_000, "quantity must be an integer between 1 and 1000000."),
  idempotency_key: z
    .string({ error: "idempotency_key must be a string." })
    .min(1, "idempotency_key must not be empty.")
    .max(255, "idempotency_key must be at most 255 characters.")
    .refine(isStorableText, "idempotency_key must not contain NUL characters or unpaired surrogates.")
    .optional(),
});
export type UsageEventInput = z.infer<typeof usageEventSchema>;

/** Body of `POST /api/v1/usage/batch`: 1..1,000 events, applied in order. */
export const usageBatchSchema = z.strictObject({
  events: z
    .array(usageEventSchema, { error: "events must be an array of usage events." })
    .min(1, "events must contain at least 1 event.")
    .max(1000, "events must contain at most 1000 events."),
});
