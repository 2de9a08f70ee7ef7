"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/client";
import { ownerAction } from "@/lib/actions/action-shell";
import type { ActionResult } from "@/lib/actions/action-result";
import { OWNER_ONLY_WEBHOOKS } from "@/lib/webhooks-out/endpoint-schema";
import { rotateEndpointSecret } from "@/lib/webhooks-out/endpoints";
import { developersPath } from "./paths";

const GONE = { code: "not_found", message: "Webhook endpoint not found." };

const run = ownerAction(
  z.uuid(),
  async ({ ctx: { org }, input: endpointId, orgSlug }): Promise<ActionResult<{ secret: string }>> => {
    const secret = await rotateEndpointSecret(getDb(), org.id, endpointId);
    if (!secret) return { ok: false, ...GONE };
    revalidatePath(developersPath(orgSlug));
    return { ok: true, secret };
  },
  { denied: OWNER_ONLY_WEBHOOKS, invalid: GONE },
);

/** Owner only. A new signing secret, returned once; the old one keeps signing for 24 h. */
export async function rotateEndpointSecretAction(orgSlug: string, endpointId: unknown): Promise<ActionResult<{ secret: string }>> {
  return run(orgSlug, endpointId);
}
