import type { Db } from "@/db/client";
import { getBalanceAlertSettings, saveBalanceAlertSettings } from "@/lib/alerts/alert-settings";
import { forgetAlertGate, requestAlertCheck } from "@/lib/alerts/alert-gate";
import type { BalanceAlertsInput } from "@/lib/billing/balance-alerts";
import type { ApiReply } from "../responses";

/** `GET /api/v1/billing/alerts` body: `{thresholds, recipients, default}` (`default`: the owner never saved any). */
export async function getBalanceAlertsJson(db: Db, orgId: string) {
  const s = await getBalanceAlertSettings(db, orgId);
  return { thresholds: s.thresholds, recipients: s.recipients, default: !s.configured };
}

/** `PUT /api/v1/billing/alerts`: replaces thresholds and recipients (validated by the shell) → 200 the settings. */
export async function putBalanceAlerts(db: Db, p: { orgId: string; input: BalanceAlertsInput }): Promise<ApiReply> {
  await saveBalanceAlertSettings(db, { orgId: p.orgId, input: p.input });
  forgetAlertGate(p.orgId);
  requestAlertCheck(db, p.orgId); // a new threshold above the balance alerts at once
  return { status: 200, body: await getBalanceAlertsJson(db, p.orgId) };
}
