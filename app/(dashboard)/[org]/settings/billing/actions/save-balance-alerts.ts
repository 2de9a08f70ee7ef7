"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/db/client";
import { forgetAlertGate, requestAlertCheck } from "@/lib/alerts/alert-gate";
import { saveBalanceAlertSettings } from "@/lib/alerts/alert-settings";
import { ownerAction } from "@/lib/actions/action-shell";
import type { ActionResult } from "@/lib/actions/action-result";
import { balanceAlertsSchema } from "@/lib/billing/balance-alerts";
import { OWNER_ONLY_BALANCE_ALERTS } from "@/lib/billing/messages";
import { billingPath } from "./paths";

const save = ownerAction(
  balanceAlertsSchema,
  async ({ ctx: { org }, input, orgSlug }): Promise<ActionResult> => {
    const db = getDb();
    await saveBalanceAlertSettings(db, { orgId: org.id, input });
    forgetAlertGate(org.id);
    requestAlertCheck(db, org.id); // a threshold above the balance alerts at once
    revalidatePath(billingPath(orgSlug));
    return { ok: true, message: "Balance alerts saved." };
  },
  { denied: OWNER_ONLY_BALANCE_ALERTS },
);

/** Owner only: up to 3 low-balance thresholds and the extra billing recipients of the alert emails. */
export async function saveBalanceAlertsAction(orgSlug: string, input: unknown): Promise<ActionResult> {
  return save(orgSlug, input);
}
