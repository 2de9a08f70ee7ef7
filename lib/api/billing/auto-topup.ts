import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { organizations } from "@/db/schema";
import { autoTopupPatchSchema, spendingLimitApiSchema } from "@/lib/billing/auto-recharge-schema";
import { resolveAutoTopupPatch } from "@/lib/billing/resolve-auto-topup-patch";
import { getAutoRechargeOverview, listRechargeHistory } from "@/lib/queries/billing";
import { applySettings, saveSpendingLimit } from "@/lib/recharge/save-settings";
import { getAutoRechargeSettings } from "@/lib/recharge/settings";
import { parseUuid } from "@/lib/validation/ids";

/** A REST answer: status + JSON body (routes wrap it in a Response). */
export interface ApiResult {
  status: number;
  body: unknown;
}

const invalid = (message: string, fields: Record<string, string[]>): ApiResult => ({
  status: 422,
  body: { error: { code: "invalid_request", message, fields: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v.join(" ")])) } },
});

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
    max_recharges_per_month: o.maxRechargesPerMonth,
    recharges_used_this_month: o.rechargesUsedThisMonth,
    spending_limit: o.spendingLimitCents,
    spending_alert_threshold: o.spendingAlertPercent / 100,
    spend_this_month: o.spendThisMonthCents,
    status: o.status,
    status_message: o.statusMessage,
    last_recharged_at: o.lastRechargedAt,
    grace: { enabled: o.grace.enabled, available: o.grace.available, credits: o.grace.credits, message: o.grace.message },
    // rate-aware trigger: credits/s measured by the process answering, and whether it recharges above the threshold
    burn_rate_per_second: o.burnRate.burnRatePerSecond,
    recharge_p95_ms: o.burnRate.rechargeP95Ms,
    early_recharge: { active: o.burnRate.earlyRecharge.active, message: o.burnRate.earlyRecharge.message },
    peak_rate_per_second: o.burnRate.peakRatePerSecond,
    suggested_threshold: { credits: o.burnRate.suggestedThreshold.credits, basis: o.burnRate.suggestedThreshold.basis, reason: o.burnRate.suggestedThreshold.reason },
  };
}

/** `POST /api/v1/billing/auto-topup`: partial update → 200 full settings | 422 per field | 403 prerequisites. */
export async function patchAutoTopup(db: Db, p: { orgId: string; keyId: string; body: unknown }): Promise<ApiResult> {
  if (p.body === null || typeof p.body !== "object" || Array.isArray(p.body)) return invalid("The body must be a JSON object.", { body: ["Expected a JSON object"] });
  const parsed = autoTopupPatchSchema.safeParse(p.body);
  if (!parsed.success) {
    const fields: Record<string, string[]> = {};
    for (const i of parsed.error.issues) (fields[i.path.join(".") || "body"] ??= []).push(i.message);
    return invalid("Some fields are invalid.", fields);
  }
  const [org] = await db.select().from(organizations).where(eq(organizations.id, p.orgId));
  const current = await getAutoRechargeSettings(db, p.orgId, org!.plan);
  const resolved = resolveAutoTopupPatch(org!.plan, current, parsed.data);
  if (!resolved.ok) return invalid("Some fields are invalid.", resolved.fieldErrors);
  const saved = await applySettings(db, { org: org!, next: resolved.settings, actor: { source: "api", apiKeyId: p.keyId } });
  if (!saved.ok) {
    if (saved.code === "validation_error") return invalid(saved.message, saved.fieldErrors);
    return { status: 403, body: { error: { code: "forbidden", reason: saved.code, message: saved.message } } };
  }
  return { status: 200, body: await getAutoTopupJson(db, p.orgId) };
}

/** `GET /api/v1/billing/auto-topup/history?limit=&starting_after=` */
export async function getAutoTopupHistory(db: Db, orgId: string, url: URL): Promise<ApiResult> {
  const rawLimit = url.searchParams.get("limit");
  const limit = rawLimit === null ? 20 : /^\d{1,3}$/.test(rawLimit) ? Number(rawLimit) : NaN;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) return invalid("Invalid query.", { limit: ["limit must be an integer between 1 and 100"] });
  const rawAfter = url.searchParams.get("starting_after");
  const startingAfter = rawAfter ? parseUuid(rawAfter) : null;
  if (rawAfter && !startingAfter) return invalid("Invalid query.", { starting_after: ["starting_after must be a charge id"] });
  const page = await listRechargeHistory(db, orgId, { limit, startingAfter });
  return {
    status: 200,
    body: {
      charges: page.items.map((c) => ({
        id: c.id, date: c.date, amount: c.amountCents, currency: c.currency, credits: c.credits, status: c.status, trigger: c.trigger,
        failure_code: c.failureCode, decline_code: c.declineCode, failure_message: c.failureMessage,
      })),
      has_more: page.hasMore,
    },
  };
}

/** `POST /api/v1/billing/spending-limit` `{ monthly_limit: cents | null, alert_threshold?: 0..1 }` */
export async function postSpendingLimit(db: Db, p: { orgId: string; keyId: string; body: unknown }): Promise<ApiResult> {
  const parsed = spendingLimitApiSchema.safeParse(p.body);
  if (!parsed.success) {
    const fields: Record<string, string[]> = {};
    for (const i of parsed.error.issues) (fields[i.path.join(".") || "body"] ??= []).push(i.message);
    return invalid("Some fields are invalid.", fields);
  }
  const alert = parsed.data.alert_threshold;
  const alertPercent = alert === undefined ? undefined : Math.round(alert * 100);
  const [org] = await db.select().from(organizations).where(eq(organizations.id, p.orgId));
  const current = await getAutoRechargeSettings(db, p.orgId, org!.plan);
  const r = await saveSpendingLimit(db, {
    orgId: p.orgId,
    input: { monthlyLimitCents: parsed.data.monthly_limit, alertPercent: Math.max(1, alertPercent ?? current.spendingAlertPercent) },
    actor: { source: "api", apiKeyId: p.keyId },
  });
  if (!r.ok) return invalid(r.message, r.fieldErrors);
  return { status: 200, body: { monthly_limit: r.settings.spendingLimitCents, alert_threshold: r.settings.spendingAlertPercent / 100, ...(await getAutoTopupJson(db, p.orgId)) } };
}
