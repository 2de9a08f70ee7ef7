"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/client";
import { ownerAction } from "@/lib/actions/action-shell";
import type { ActionResult } from "@/lib/actions/action-result";
import { resendDelivery } from "@/lib/webhooks-out/delivery-log";
import { OWNER_ONLY_WEBHOOKS } from "@/lib/webhooks-out/endpoint-schema";
import { developersPath } from "./paths";

const run = ownerAction(
  z.uuid(),
  async ({ ctx: { org }, input: deliveryId, orgSlug }): Promise<ActionResult> => {
    const r = await resendDelivery(getDb(), org.id, deliveryId);
    if (!r.ok) return r;
    revalidatePath(developersPath(orgSlug));
    return { ok: true };
  },
  { denied: OWNER_ONLY_WEBHOOKS, invalid: { code: "not_found", message: "Delivery not found." } },
);

/** Owner only. Queues a new delivery of the same event (same webhook-id) to the same endpoint. */
export async function resendDeliveryAction(orgSlug: string, deliveryId: unknown): Promise<ActionResult> {
  return run(orgSlug, deliveryId);
}
