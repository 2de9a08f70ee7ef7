import { z } from "zod";
import { EVENT_TYPES } from "@/lib/billing/event-types";
import { ALL_EVENTS } from "@/lib/billing/webhook-policy";

/**
 * A new endpoint's input, shared by the Developers page form (react-hook-form resolver), its server action
 * and `POST /api/v1/webhook-endpoints`. The URL's rules (https, public address) need the server
 * (`endpointUrlProblem` + DNS), so they run in `createEndpoint`.
 */
export const createEndpointSchema = z.object({
  url: z.string({ error: "Enter the endpoint's URL." }).trim().min(1, "Enter the endpoint's URL.").max(2048, "The URL must be at most 2048 characters."),
  events: z
    .array(z.enum([ALL_EVENTS, ...EVENT_TYPES], { error: `Unknown event type; use one of ${EVENT_TYPES.join(", ")} or "*".` }), {
      error: 'events must be a list of event types, or ["*"] for all.',
    })
    .min(1, 'Choose at least one event type, or ["*"] for all.'),
});
export type CreateEndpointInput = z.infer<typeof createEndpointSchema>;

/** `["*"]` when the wildcard is among them, else the types once each, in EVENT_TYPES order. */
export function normalizeEvents(events: readonly string[]): string[] {
  if (events.includes(ALL_EVENTS)) return [ALL_EVENTS];
  return EVENT_TYPES.filter((t) => events.includes(t));
}

/** The refusal an editor reads on the Developers page (and from its actions). */
export const OWNER_ONLY_WEBHOOKS = "Only the organization owner can manage webhook endpoints.";
