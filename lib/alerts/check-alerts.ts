import { and, eq, inArray, notInArray, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { autoRechargeSettings, balanceAlertStates, organizations } from "@/db/schema";
import { decideAlert, DEPLETED, nextAlertState, type AlertState } from "@/lib/billing/balance-alerts";
import { env } from "@/lib/env";
import { recordEvent } from "@/lib/events/record-event";
import { getBalance } from "@/lib/ledger";
import { enqueueEmails, listOwnerEmails, recordEmail } from "@/lib/notifications/emails";
import { balanceDepletedEmail, balanceLowEmail } from "@/lib/notifications/templates";
import { balanceJson } from "@/lib/api/usage-replies";
import { getBalanceAlertSettings } from "./alert-settings";
import { rememberAlertStates } from "./alert-gate";

export interface AlertCheckResult {
  available: number;
  fired: { threshold: number; type: "balance.low" | "balance.depleted" }[];
  rearmed: number[];
}

/**
 * Checks the org's low-balance alerts against its balance now and applies the pure rule (`decideAlert`):
 * fire (email to the owners + billing recipients and a `balance.low` / `balance.depleted` event), re-arm
 * (`balance.recovered` event) or nothing. ONE transaction: the org's alert rows are created if missing and
 * locked (`FOR UPDATE`, threshold order) BEFORE the balance is read, so concurrent checks — in any process —
 * are serialized, each sees the state the previous one wrote and the balance after it: one alert per crossing.
 * The event and the emails are written in that transaction; the emails are handed to delivery after it.
 */
export async function checkBalanceAlerts(db: Db, orgId: string, now = new Date()): Promise<AlertCheckResult> {
  const settings = await getBalanceAlertSettings(db, orgId);
  const thresholds = [...settings.thresholds, DEPLETED];
  const emailIds: string[] = [];
  const result = await db.transaction(async (tx) => {
    // alerts of thresholds no longer in force (a changed default) go; missing ones start armed
    await tx.delete(balanceAlertStates).where(and(eq(balanceAlertStates.orgId, orgId), notInArray(balanceAlertStates.threshold, thresholds)));
    await tx
      .insert(balanceAlertStates)
      .values(thresholds.map((threshold) => ({ orgId, threshold })))
      .onConflictDoNothing();
    const rows = await tx
      .select()
      .from(balanceAlertStates)
      .where(and(eq(balanceAlertStates.orgId, orgId), inArray(balanceAlertStates.threshold, thresholds)))
      .orderBy(balanceAlertStates.threshold)
      .for("update");
    const balance = await getBalance(tx, orgId);
    const out: AlertCheckResult = { available: balance.available, fired: [], rearmed: [] };
    const states: AlertState[] = [];
    let org: { name: string; slug: string; autoRecharge: boolean } | null = null;
    let recipients: string[] | null = null;
    for (const row of rows) {
      const decision = decideAlert(row, balance.available, now);
      const next = nextAlertState(row, decision, now);
      states.push(next);
      if (decision.action === "none") continue;
      const fireCount = row.fireCount + (decision.action === "fire" ? 1 : 0);
      await tx
        .update(balanceAlertStates)
        .set({ armed: next.armed, lastFiredAt: next.lastFiredAt, fireCount, updatedAt: now })
        .where(and(eq(balanceAlertStates.orgId, orgId), eq(balanceAlertStates.threshold, row.threshold)));
      const data = { ...balanceJson(balance), threshold: row.threshold };
      if (decision.action === "rearm") {
        out.rearmed.push(row.threshold);
        await recordEvent(tx, { orgId, type: "balance.recovered", data, dedupeKey: `balance.recovered:${row.threshold}:${row.fireCount}` });
        continue;
      }
      out.fired.push({ threshold: row.threshold, type: decision.type });
      const dedupeKey = `${decision.type}:${row.threshold}:${fireCount}`;
      await recordEvent(tx, { orgId, type: decision.type, data, dedupeKey });
      org ??= await loadOrg(tx, orgId);
      recipients ??= [...new Set([...(await listOwnerEmails(tx, orgId)), ...settings.recipients])];
      const props = {
        orgName: org.name,
        available: balance.available,
        threshold: row.threshold,
        autoRechargeEnabled: org.autoRecharge,
        billingUrl: `${env().APP_URL}/${org.slug}/settings/billing`,
      };
      const content = decision.type === "balance.depleted" ? await balanceDepletedEmail(props) : await balanceLowEmail(props);
      const kind = decision.type === "balance.depleted" ? "balance_depleted" : "balance_low";
      emailIds.push(...(await recordEmail(tx, { orgId, kind, content, dedupeKey, to: recipients })));
    }
    return { out, states };
  });
  rememberAlertStates(orgId, settings.thresholds, result.states, now);
  if (emailIds.length > 0) await enqueueEmails(emailIds, db);
  return result.out;
}

async function loadOrg(tx: Parameters<Parameters<Db["transaction"]>[0]>[0], orgId: string) {
  const [o] = await tx
    .select({ name: organizations.name, slug: organizations.slug, autoRecharge: sql<boolean>`coalesce(${autoRechargeSettings.enabled}, false)` })
    .from(organizations)
    .leftJoin(autoRechargeSettings, eq(autoRechargeSettings.orgId, organizations.id))
    .where(eq(organizations.id, orgId));
  return o!;
}
