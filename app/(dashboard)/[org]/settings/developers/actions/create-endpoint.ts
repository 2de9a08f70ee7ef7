"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/db/client";
import { ownerAction } from "@/lib/actions/action-shell";
import type { ActionResult } from "@/lib/actions/action-result";
import { createEndpointSchema, OWNER_ONLY_WEBHOOKS } from "@/lib/webhooks-out/endpoint-schema";
import { createEndpoint } from "@/lib/webhooks-out/endpoints";
import { developersPath } from "./paths";

type Created = ActionResult<{ endpoint: { id: string; url: string; secret: string } }>;

const run = ownerAction(
  createEndpointSchema,
  async ({ ctx: { org }, input, orgSlug }): Promise<Created> => {
    const r = await createEndpoint(getDb(), org.id, input);
    if (!r.ok) return { ok: false, code: "validation_error", message: r.message, fieldErrors: r.fieldErrors };
    revalidatePath(developersPath(orgSlug));
    return { ok: true, endpoint: { id: r.endpoint.id, url: r.endpoint.url, secret: r.secret } };
  },
  { denied: OWNER_ONLY_WEBHOOKS, invalid: { code: "validation_error", message: "Check the highlighted fields." } },
);

/** Owner only. Adds a webhook endpoint; returns its signing secret once. */
export async function createEndpointAction(orgSlug: string, input: unknown): Promise<Created> {
  return run(orgSlug, input);
}
