import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { organizations } from "@/db/schema";
import { enableRefusal, STATUS_MESSAGES, type EnableRefusal } from "@/lib/billing/auto-recharge-status";
import type { ConsentReason } from "@/lib/billing/consent";
import { fieldErrorsOf } from "@/lib/validation/field-errors";
import { autoRechargeSettingsSchema, spendingLimitSchema, type AutoRechargeSettingsInput, type SpendingLimitInput } from "@/lib/billing/auto-recharge-schema";
import { checkConsent, type ConsentInput } from "./consent-check";
import { loadAutoRechargeState } from "./facts";
import { getAutoRechargeSettings, writeAutoRechargeSettings, type Actor, type AutoRechargeSettings } from "./settings";
import { maybeTriggerRecharge, type TriggerResult } from "./trigger";

const SETTINGS_SAVED_MESSAGE = "Auto-recharge settings updated.";

type ConsentRefusal = { ok: false; code: "consent_required" | "consent_mismatch"; message: string; consentText: string; reasons: ConsentReason[] };

export type SaveSettingsResult =
  | { ok: true; settings: AutoRechargeSettings; trigger: TriggerResult; message: string }
  | { ok: false; code: "validation_error"; message: string; fieldErrors: Record<string, string[]> }
  | { ok: false; code: EnableRefusal; message: string }
  | ConsentRefusal;

/**
 * Saves the auto-recharge form (owner already checked by the caller). Enabling checks the prerequisites,
 * each with its own message; re-enabling clears "disabled after failures". Audited. Saving while already
 * below the threshold triggers a recharge at once.
 */
export async function saveAutoRechargeSettings(
  db: Db,
  p: { orgId: string; input: unknown; actor: Actor; consent?: ConsentInput; now?: Date },
): Promise<SaveSettingsResult> {
  const [org] = await db.select().from(organizations).where(eq(organizations.id, p.orgId));
  if (!org) throw new Error(`org ${p.orgId} not found`);
  const parsed = autoRechargeSettingsSchema(org.plan).safeParse(p.input);
  if (!parsed.success)
    return { ok: false, code: "validation_error", message: "Please correct the highlighted fields.", fieldErrors: fieldErrorsOf(parsed.error) };
  return applySettings(db, { org, next: parsed.data, actor: p.actor, consent: p.consent, now: p.now });
}

/**
 * Shared by the form and the REST API once the input is a full, valid settings object; `limit` (the
 * form's spending limit fields) is saved with it. All or nothing: the prerequisites and the owner's
 * consent (enabling, or raising what may be charged: `checkConsent`) are checked and the settings (with
 * one audit row, carrying the consent text) written in one transaction, on the settings row locked FOR
 * UPDATE, so a refused save stores nothing. A recharge may be triggered after commit.
 */
export async function applySettings(
  db: Db,
  p: {
    org: typeof organizations.$inferSelect;
    next: AutoRechargeSettingsInput;
    limit?: SpendingLimitInput;
    actor: Actor;
    consent?: ConsentInput;
    now?: Date;
  },
): Promise<SaveSettingsResult> {
  const saved = await db.transaction(async (tx): Promise<SaveSettingsResult | { ok: true; settings: AutoRechargeSettings }> => {
    const current = await getAutoRechargeSettings(tx, p.org.id, p.org.plan, { forUpdate: true });
    const state = await loadAutoRechargeState(tx, p.org.id, { now: p.now, settings: current });
    if (p.next.enabled) {
      const refusal = enableRefusal(state.facts);
      if (refusal) return { ok: false, code: refusal, message: STATUS_MESSAGES[refusal] };
    }
    const reenabling = p.next.enabled && (!current.enabled || current.disabledReason);
    const { enabled, threshold, rechargePacks, rechargeTo, maxRechargesPerMonth, graceEnabled } = p.next;
    const patch: Partial<AutoRechargeSettings> = {
      enabled,
      threshold,
      rechargePacks,
      rechargeTo,
      maxRechargesPerMonth,
      graceEnabled,
      ...(p.limit ? { spendingLimitCents: p.limit.monthlyLimitCents, spendingAlertPercent: p.limit.alertPercent } : {}),
      ...(reenabling ? { disabledReason: null, disabledAt: null, consecutiveFailures: 0 } : {}),
    };
    const after = { ...current, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) };
    const consent = checkConsent({
      planId: p.org.plan,
      before: current,
      after,
      cardLabel: state.cardLabel,
      backupCardLabel: current.backupCardLabel,
      input: p.consent,
    });
    if (!consent.ok) return consent;
    const settings = await writeAutoRechargeSettings(tx, { orgId: p.org.id, plan: p.org.plan, patch, actor: p.actor, consent: consent.consent });
    return { ok: true, settings };
  });
  if (!saved.ok) return saved;
  const trigger = await maybeTriggerRecharge(db, p.org.id, { now: p.now });
  return { ok: true, settings: saved.settings, trigger, message: SETTINGS_SAVED_MESSAGE };
}

export type SaveSpendingLimitResult =
  | { ok: true; settings: AutoRechargeSettings; message: string }
  | { ok: false; code: "validation_error"; message: string; fieldErrors: Record<string, string[]> }
  | ConsentRefusal;

/** Sets or clears the monthly spending limit (cents) and its alert percentage; raising it while auto-recharge is on needs consent. */
export async function saveSpendingLimit(db: Db, p: { orgId: string; input: unknown; actor: Actor; consent?: ConsentInput }): Promise<SaveSpendingLimitResult> {
  const parsed = spendingLimitSchema.safeParse(p.input);
  if (!parsed.success)
    return { ok: false, code: "validation_error", message: "Please correct the highlighted fields.", fieldErrors: fieldErrorsOf(parsed.error) };
  const v: SpendingLimitInput = parsed.data;
  const [org] = await db.select().from(organizations).where(eq(organizations.id, p.orgId));
  const saved = await db.transaction(async (tx): Promise<SaveSpendingLimitResult> => {
    const current = await getAutoRechargeSettings(tx, p.orgId, org!.plan, { forUpdate: true });
    const state = await loadAutoRechargeState(tx, p.orgId, { settings: current });
    const patch = { spendingLimitCents: v.monthlyLimitCents, spendingAlertPercent: v.alertPercent };
    const consent = checkConsent({
      planId: org!.plan,
      before: current,
      after: { ...current, ...patch },
      cardLabel: state.cardLabel,
      backupCardLabel: current.backupCardLabel,
      input: p.consent,
    });
    if (!consent.ok) return consent;
    const settings = await writeAutoRechargeSettings(tx, { orgId: p.orgId, plan: org!.plan, patch, actor: p.actor, consent: consent.consent });
    return { ok: true, settings, message: v.monthlyLimitCents === null ? "Spending limit removed." : "Spending limit updated." };
  });
  if (saved.ok) await maybeTriggerRecharge(db, p.orgId);
  return saved;
}
