"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/client";
import { ownerAction } from "@/lib/actions/action-shell";
import type { ActionResult } from "@/lib/actions/action-result";
import { OWNER_ONLY_DISMISS } from "@/lib/billing/messages";
import { dismissIncident } from "@/lib/notifications/incidents";
import { billingPath } from "./paths";

const GONE = { code: "not_found", message: "This alert no longer exists." };

const run = ownerAction(
  z.uuid(),
  async ({ ctx: { org, user }, input: incidentId, orgSlug }): Promise<ActionResult> => {
    if (!(await dismissIncident(getDb(), { orgId: org.id, incidentId, userId: user.id }))) return { ok: false, ...GONE };
    revalidatePath(billingPath(orgSlug));
    return { ok: true };
  },
  { denied: OWNER_ONLY_DISMISS, invalid: GONE },
);

/** Owner only: dismisses a billing alert of this org (an unknown or malformed id: `not_found`). */
export async function dismissIncidentAction(orgSlug: string, incidentId: unknown): Promise<ActionResult> {
  return run(orgSlug, incidentId);
}
