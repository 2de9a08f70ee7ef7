"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/client";
import { ownerAction } from "@/lib/actions/action-shell";
import type { ActionResult } from "@/lib/actions/action-result";
import { OWNER_ONLY_WEBHOOKS } from "@/lib/webhooks-out/endpoint-schema";
import { deleteEndpoint } from "@/lib/webhooks-out/endpoints";
import { developersPath } from "./paths";

const GONE = { code: "not_found", message: "Webhook endpoint not found." };

const run = ownerAction(
  z.uuid(),
  async ({ ctx: { org }, input: endpointId, orgSlug }): Promise<ActionResult> => {
    if (!(await deleteEndpoint(getDb(), org.id, endpointId))) return { ok: false, ...GONE };
    revalidatePath(developersPath(orgSlug));
    return { ok: true };
  },
  { denied: OWNER_ONLY_WEBHOOKS, invalid: GONE },
);

/** Owner only. Deletes an endpoint of this org and its delivery log (another org's id: not found). */
export async function deleteEndpointAction(orgSlug: string, endpointId: unknown): Promise<ActionResult> {
  return run(orgSlug, endpointId);
}
