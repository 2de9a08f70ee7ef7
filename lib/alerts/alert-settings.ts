import { and, eq, inArray, notInArray } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { autoRechargeSettings, balanceAlertSettings, balanceAlertStates, organizations } from "@/db/schema";
import { DEPLETED, effectiveThresholds, type BalanceAlertsInput } from "@/lib/billing/balance-alerts";
import type { PlanId } from "@/lib/billing/plans";

/** An org's alert settings as the page, the API and the check read them. */
export interface BalanceAlertSettings {
  /** the thresholds in force (descending): the owner's, or the default */
  thresholds: number[];
  /** false: the owner never saved alerts, `thresholds` is the default */
  configured: boolean;
  /** extra billing recipients (besides the owners) */
  recipients: string[];
}

/** Reads the settings, with the default thresholds when none were saved (one small read). */
export async function getBalanceAlertSettings(db: DbOrTx, orgId: string): Promise<BalanceAlertSettings & { plan: PlanId }> {
  const settings = (await getBalanceAlertSettingsOf(db, [orgId])).get(orgId);
  if (!settings) throw new Error(`no organization ${orgId}`);
  return settings;
}

/** `getBalanceAlertSettings` for many orgs in one read (the after-debit gate's batch), by org id; unknown orgs are absent. */
export async function getBalanceAlertSettingsOf(db: DbOrTx, orgIds: string[]): Promise<Map<string, BalanceAlertSettings & { plan: PlanId }>> {
  const rows = await db
    .select({
      orgId: organizations.id,
      plan: organizations.plan,
      thresholds: balanceAlertSettings.thresholds,
      recipients: balanceAlertSettings.recipients,
      arEnabled: autoRechargeSettings.enabled,
      arThreshold: autoRechargeSettings.threshold,
    })
    .from(organizations)
    .leftJoin(balanceAlertSettings, eq(balanceAlertSettings.orgId, organizations.id))
    .leftJoin(autoRechargeSettings, eq(autoRechargeSettings.orgId, organizations.id))
    .where(inArray(organizations.id, orgIds));
  return new Map(
    rows.map((row) => {
      const autoRecharge = row.arEnabled === null ? null : { enabled: row.arEnabled, threshold: row.arThreshold! };
      const settings = {
        plan: row.plan,
        thresholds: effectiveThresholds({ configured: row.thresholds, autoRecharge, plan: row.plan }),
        configured: row.thresholds !== null,
        recipients: row.recipients ?? [],
      };
      return [row.orgId, settings];
    }),
  );
}

/**
 * Saves the owner's thresholds and recipients (validated input). Alerts of removed thresholds are dropped;
 * new thresholds start armed. The caller runs `checkBalanceAlerts` afterwards (a new threshold above the
 * balance fires at once).
 */
export async function saveBalanceAlertSettings(db: DbOrTx, p: { orgId: string; input: BalanceAlertsInput }): Promise<void> {
  const thresholds = [...new Set(p.input.thresholds)].sort((a, b) => b - a);
  await db.transaction(async (tx) => {
    await tx
      .insert(balanceAlertSettings)
      .values({ orgId: p.orgId, thresholds, recipients: p.input.recipients })
      .onConflictDoUpdate({ target: balanceAlertSettings.orgId, set: { thresholds, recipients: p.input.recipients, updatedAt: new Date() } });
    await tx.delete(balanceAlertStates).where(and(eq(balanceAlertStates.orgId, p.orgId), notInArray(balanceAlertStates.threshold, [...thresholds, DEPLETED])));
  });
}
