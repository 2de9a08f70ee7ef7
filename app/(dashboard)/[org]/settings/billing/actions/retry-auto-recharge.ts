"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/client";
import { ownerAction } from "@/lib/actions/action-shell";
import type { ActionResult } from "@/lib/actions/action-result";
import { OWNER_ONLY_AUTO_RECHARGE } from "@/lib/billing/messages";
import { retryAutoRechargeNow } from "@/lib/recharge/retry-now";
import { billingPath } from "./paths";

const run = ownerAction(
  z.object({}),
  async ({ ctx: { org, user }, orgSlug }): Promise<ActionResult> => {
    const r = await retryAutoRechargeNow(getDb(), { orgId: org.id, actor: { source: "ui", userId: user.id } });
    revalidatePath(billingPath(orgSlug));
    return { ok: true, message: r.created ? "Retrying the recharge now." : "Nothing to retry right now." };
  },
  { denied: OWNER_ONLY_AUTO_RECHARGE },
);

/** Owner only: end the wait after a declined auto-recharge and try again now. */
export async function retryAutoRechargeAction(orgSlug: string): Promise<ActionResult> {
  return run(orgSlug, {});
}
