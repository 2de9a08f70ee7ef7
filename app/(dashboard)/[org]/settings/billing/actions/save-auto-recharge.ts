"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/db/client";
import { ownerAction } from "@/lib/actions/action-shell";
import type { ActionResult } from "@/lib/actions/action-result";
import { autoRechargeFormSchema } from "@/lib/billing/auto-recharge-schema";
import { OWNER_ONLY_AUTO_RECHARGE } from "@/lib/billing/messages";
import { applySettings } from "@/lib/recharge/save-settings";
import { billingPath } from "./paths";

const save = ownerAction(
  ({ org }) => autoRechargeFormSchema(org.plan),
  async ({ ctx: { org, user }, input, orgSlug }): Promise<ActionResult> => {
    const { monthlyLimitCents, spendingAlertPercent, consent, consentText, ...next } = input;
    // one transaction: a refused enable (plan, card, …) stores neither the settings nor the spending limit
    const r = await applySettings(getDb(), {
      org,
      next,
      limit: { monthlyLimitCents, alertPercent: spendingAlertPercent },
      actor: { source: "ui", userId: user.id },
      consent: { given: consent, text: consentText },
    });
    revalidatePath(billingPath(orgSlug));
    if (!r.ok) return "consentText" in r ? { ok: false, code: r.code, message: r.message, consentText: r.consentText } : r;
    return { ok: true, message: r.message };
  },
  { denied: OWNER_ONLY_AUTO_RECHARGE },
);

/** Owner only: the Auto-Recharge form (settings + spending limit), all or nothing. */
export async function saveAutoRechargeAction(orgSlug: string, input: unknown): Promise<ActionResult> {
  return save(orgSlug, input);
}
