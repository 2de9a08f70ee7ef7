"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/client";
import { ownerAction } from "@/lib/actions/action-shell";
import type { ActionResult } from "@/lib/actions/action-result";
import { OWNER_ONLY_WEBHOOKS } from "@/lib/webhooks-out/endpoint-schema";
import { setEndpointEnabled } from "@/lib/webhooks-out/endpoints";
import { developersPath } from "./paths";

const GONE = { code: "not_found", message: "Webhook endpoint not found." };

const run = ownerAction(
  z.object({ endpointId: z.uuid(), enabled: z.boolean() }),
  async ({ ctx: { org }, input, orgSlug }): Promise<ActionResult> => {
    if (!(await setEndpointEnabled(getDb(), org.id, input.endpointId, input.enabled))) return { ok: false, ...GONE };
    revalidatePath(developersPath(orgSlug));
    return { ok: true };
  },
  { denied: OWNER_ONLY_WEBHOOKS, invalid: GONE },
);

/** Owner only. Disables an endpoint (no new deliveries, pending retries stop) or enables it again. */
export async function setEndpointEnabledAction(orgSlug: string, input: unknown): Promise<ActionResult> {
  return run(orgSlug, input);
}
