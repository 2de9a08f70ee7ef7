import { eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { autoRechargeSettings, autoRechargeSettingsChanges, type AutoRechargeSettingsRow } from "@/db/schema";
import { DEFAULT_MAX_RECHARGES_PER_MONTH, DEFAULT_SPENDING_ALERT_PERCENT, defaultThreshold, getPlan, type PlanId } from "@/lib/billing/plans";

export type AutoRechargeSettings = Omit<AutoRechargeSettingsRow, "orgId" | "updatedAt">;

/** Defaults for an org that never saved settings: off, threshold 10% of the allotment, 1 pack, 10/month. */
function defaultAutoRechargeSettings(plan: PlanId): AutoRechargeSettings {
  const p = getPlan(plan);
  return {
    enabled: false,
    threshold: defaultThreshold(p),
    rechargePacks: 1,
    maxRechargesPerMonth: Math.min(DEFAULT_MAX_RECHARGES_PER_MONTH, Math.max(1, p.maxRechargesPerMonthCeiling)),
    spendingLimitCents: null,
    spendingAlertPercent: DEFAULT_SPENDING_ALERT_PERCENT,
    consecutiveFailures: 0,
    disabledReason: null,
    disabledAt: null,
    spendingAlertSentFor: null,
    graceEnabled: true,
    rechargeTo: null,
    backupPaymentMethodId: null,
    backupCardLabel: null,
    retryNotBefore: null,
  };
}

export async function getAutoRechargeSettings(db: DbOrTx, orgId: string, plan: PlanId, opts: { forUpdate?: boolean } = {}): Promise<AutoRechargeSettings> {
  const q = db.select().from(autoRechargeSettings).where(eq(autoRechargeSettings.orgId, orgId));
  const [row] = opts.forUpdate ? await q.for("update") : await q;
  if (!row) return defaultAutoRechargeSettings(plan);
  const { orgId: _o, updatedAt: _u, ...rest } = row;
  return rest;
}

export interface Actor {
  source: "ui" | "api" | "system";
  userId?: string | null;
  apiKeyId?: string | null;
}

/** Auditable fields (the change log stores these before/after). */
function auditable(s: AutoRechargeSettings) {
  return {
    enabled: s.enabled,
    threshold: s.threshold,
    rechargePacks: s.rechargePacks,
    maxRechargesPerMonth: s.maxRechargesPerMonth,
    spendingLimitCents: s.spendingLimitCents,
    spendingAlertPercent: s.spendingAlertPercent,
    disabledReason: s.disabledReason,
    graceEnabled: s.graceEnabled,
    rechargeTo: s.rechargeTo,
    backupPaymentMethodId: s.backupPaymentMethodId,
    retryNotBefore: s.retryNotBefore ? s.retryNotBefore.toISOString() : null,
  };
}

/** A consent given with a change: the exact text the owner agreed to and its wording's version. */
export interface Consent {
  text: string;
  version: string;
}

/**
 * Writes the org's settings (upsert) and appends one audit row with who/when/before/after — when
 * something auditable changed, or a consent was given (its text and version are stored on the row).
 * Call inside the caller's transaction.
 */
export async function writeAutoRechargeSettings(
  db: DbOrTx,
  params: { orgId: string; plan: PlanId; patch: Partial<AutoRechargeSettings>; actor: Actor; consent?: Consent | null },
): Promise<AutoRechargeSettings> {
  const before = await getAutoRechargeSettings(db, params.orgId, params.plan, { forUpdate: true });
  const patch = Object.fromEntries(Object.entries(params.patch).filter(([, v]) => v !== undefined)) as Partial<AutoRechargeSettings>;
  const after: AutoRechargeSettings = { ...before, ...patch };
  await db
    .insert(autoRechargeSettings)
    .values({ orgId: params.orgId, ...after, updatedAt: new Date() })
    .onConflictDoUpdate({ target: autoRechargeSettings.orgId, set: { ...after, updatedAt: new Date() } });
  const a = auditable(before);
  const b = auditable(after);
  if (JSON.stringify(a) !== JSON.stringify(b) || params.consent) {
    await db.insert(autoRechargeSettingsChanges).values({
      orgId: params.orgId,
      userId: params.actor.userId ?? null,
      apiKeyId: params.actor.apiKeyId ?? null,
      source: params.actor.source,
      before: a,
      after: b,
      consentText: params.consent?.text ?? null,
      consentVersion: params.consent?.version ?? null,
    });
  }
  return after;
}
