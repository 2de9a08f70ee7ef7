import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { organizations } from "@/db/schema";
import type { AutoTopupPatch, SpendingLimitApiInput } from "@/lib/billing/auto-recharge-schema";
import { resolveAutoTopupPatch } from "@/lib/billing/resolve-auto-topup-patch";
import { getAutoRechargeOverview, listRechargeHistory } from "@/lib/queries/billing";
import { setBackupCard } from "@/lib/recharge/backup-card";
import { applySettings, saveSpendingLimit } from "@/lib/recharge/save-settings";
import { getAutoRechargeSettings } from "@/lib/recharge/settings";
import { errorReply, invalidRequest, type ApiReply } from "../responses";

/**
 * The billing API's endpoint logic, on parsed input (the shell, lib/api/endpoint, did the key, body limit,
 * JSON and zod). Each returns an `ApiReply`; a database error throws (the shell answers 500 JSON).
 */

/** `GET /api/v1/billing/auto-topup` body (snake_case; money in cents). */
export async function getAutoTopupJson(db: Db, orgId: string) {
  const o = await getAutoRechargeOverview(db, orgId);
  return {
    enabled: o.enabled,
    threshold: o.threshold,
    amount: o.rechargeAmountCents,
    recharge_packs: o.rechargePacks,
    recharge_credits: o.rechargeCredits,
    currency: o.currency,
    amount_mode: o.amountMode,
    recharge_to: o.rechargeTo,
    max_recharges_per_month: o.maxRechargesPerMonth,
    recharges_used_this_month: o.rechargesUsedThisMonth,
    spending_limit: o.spendingLimitCents,
    spending_alert_threshold: o.spendingAlertPercent / 100,
    spend_this_month: o.spendThisMonthCents,
    status: o.status,
    status_message: o.statusMessage,
    /** the authorization these settings stand for (what enabling them, or raising a limit, asks the owner to agree to) */
    consent_text: o.consentText,
    /** after a declined auto-recharge: when the next automatic try is (null: none pending) */
    next_retry_at: o.nextRetryAt,
    backup_payment_method: o.backupCard ? { id: o.backupCard.id, card: o.backupCard.label } : null,
    last_recharged_at: o.lastRechargedAt,
    grace: { enabled: o.grace.enabled, available: o.grace.available, credits: o.grace.credits, message: o.grace.message },
    // rate-aware trigger: credits/s measured by the process answering, and whether it recharges above the threshold
    burn_rate_per_second: o.burnRate.burnRatePerSecond,
    recharge_p95_ms: o.burnRate.rechargeP95Ms,
    early_recharge: { active: o.burnRate.earlyRecharge.active, message: o.burnRate.earlyRecharge.message },
    peak_rate_per_second: o.burnRate.peakRatePerSecond,
    suggested_threshold: {
      credits: o.burnRate.suggestedThreshold.credits,
      basis: o.burnRate.suggestedThreshold.basis,
      reason: o.burnRate.suggestedThreshold.reason,
    },
  };
}

/** 422 `consent_required` / `consent_mismatch` with the text to show and agree to (`consent: true`, optionally `consent_text`). */
function consentReply(r: { code: "consent_required" | "consent_mismatch"; message: string; consentText: string; reasons: string[] }): ApiReply {
  return errorReply(r.code, r.message, { consent_text: r.consentText, reasons: r.reasons });
}

/** `POST /api/v1/billing/auto-topup`: partial update → 200 full settings | 422 per field or consent | 403 prerequisites. */
export async function patchAutoTopup(db: Db, p: { orgId: string; keyId: string; patch: AutoTopupPatch }): Promise<ApiReply> {
  const [org] = await db.select().from(organizations).where(eq(organizations.id, p.orgId));
  const current = await getAutoRechargeSettings(db, p.orgId, org!.plan);
  const resolved = resolveAutoTopupPatch(org!.plan, current, p.patch);
  if (!resolved.ok) return invalidRequest(resolved.fieldErrors, "Some fields are invalid.");
  if (p.patch.backup_payment_method !== undefined) {
    const b = await setBackupCard(db, { orgId: p.orgId, paymentMethodId: p.patch.backup_payment_method, actor: { source: "api", apiKeyId: p.keyId } });
    if (!b.ok) return invalidRequest({ backup_payment_method: [b.message] }, b.message);
  }
  const consent = { given: p.patch.consent, text: p.patch.consent_text };
  const saved = await applySettings(db, { org: org!, next: resolved.settings, actor: { source: "api", apiKeyId: p.keyId }, consent });
  if (!saved.ok) {
    if (saved.code === "validation_error") return invalidRequest(saved.fieldErrors, saved.message);
    if (saved.code === "consent_required" || saved.code === "consent_mismatch") return consentReply(saved);
    return errorReply("forbidden", saved.message, { reason: saved.code });
  }
  return { status: 200, body: await getAutoTopupJson(db, p.orgId) };
}

/** `?limit=1..100 (default 20)&starting_after=<charge id>` (an empty `starting_after` is none). */
export const historyQuerySchema = z.object({
  limit: z
    .string()
    .regex(/^\d{1,3}$/, "limit must be an integer between 1 and 100")
    .transform(Number)
    .pipe(z.number().min(1, "limit must be an integer between 1 and 100").max(100, "limit must be an integer between 1 and 100"))
    .optional(),
  starting_after: z.union([z.literal(""), z.uuid("starting_after must be a charge id")], { error: "starting_after must be a charge id" }).optional(),
});

/** `GET /api/v1/billing/auto-topup/history?limit=&starting_after=` → `{ charges: [...], has_more }` (newest first). */
export async function getAutoTopupHistory(db: Db, orgId: string, query: z.output<typeof historyQuerySchema>): Promise<ApiReply> {
  const page = await listRechargeHistory(db, orgId, { limit: query.limit ?? 20, startingAfter: query.starting_after || null });
  return {
    status: 200,
    body: {
      charges: page.items.map((c) => ({
        id: c.id,
        date: c.date,
        amount: c.amountCents,
        currency: c.currency,
        credits: c.credits,
        status: c.status,
        trigger: c.trigger,
        failure_code: c.failureCode,
        decline_code: c.declineCode,
        failure_message: c.failureMessage,
        invoice_url: c.invoiceUrl,
        invoice_pdf: c.invoicePdfUrl,
        receipt_url: c.receiptUrl,
      })),
      has_more: page.hasMore,
    },
  };
}

/** `POST /api/v1/billing/spending-limit` `{ monthly_limit: cents | null, alert_threshold?: 0..1 }` */
export async function postSpendingLimit(db: Db, p: { orgId: string; keyId: string; input: SpendingLimitApiInput }): Promise<ApiReply> {
  const alert = p.input.alert_threshold;
  const alertPercent = alert === undefined ? undefined : Math.round(alert * 100);
  const [org] = await db.select().from(organizations).where(eq(organizations.id, p.orgId));
  const current = await getAutoRechargeSettings(db, p.orgId, org!.plan);
  const r = await saveSpendingLimit(db, {
    orgId: p.orgId,
    input: { monthlyLimitCents: p.input.monthly_limit, alertPercent: Math.max(1, alertPercent ?? current.spendingAlertPercent) },
    actor: { source: "api", apiKeyId: p.keyId },
    consent: { given: p.input.consent, text: p.input.consent_text },
  });
  if (!r.ok) return r.code === "validation_error" ? invalidRequest(r.fieldErrors, r.message) : consentReply(r);
  return {
    status: 200,
    body: { monthly_limit: r.settings.spendingLimitCents, alert_threshold: r.settings.spendingAlertPercent / 100, ...(await getAutoTopupJson(db, p.orgId)) },
  };
}
