import type { DbOrTx } from "@/db/client";
import type { Organization } from "@/db/schema";
import { monthWindow } from "@/lib/billing/cap-window";
import { recordEmail } from "@/lib/notifications/emails";
import { spendingAlertEmail } from "@/lib/notifications/templates";
import { env } from "@/lib/env";
import { recordEvent } from "@/lib/events/record-event";
import { countAutoRechargesInWindow } from "./facts";
import { writeAutoRechargeSettings, type AutoRechargeSettings } from "./settings";

/**
 * Once per calendar month: when auto-recharge spend crosses the alert fraction of the spending limit,
 * record the alert email to the owners. Returns the new email ids.
 */
export async function checkSpendingAlert(tx: DbOrTx, p: { org: Organization; settings: AutoRechargeSettings; now: Date }): Promise<string[]> {
  const limit = p.settings.spendingLimitCents;
  if (limit === null) return [];
  const window = monthWindow(p.now, p.org.timeZone);
  if (p.settings.spendingAlertSentFor === window.key) return [];
  const month = await countAutoRechargesInWindow(tx, p.org.id, window);
  if (month.spendCents * 100 < limit * p.settings.spendingAlertPercent) return [];
  await writeAutoRechargeSettings(tx, { orgId: p.org.id, plan: p.org.plan, patch: { spendingAlertSentFor: window.key }, actor: { source: "system" } });
  const content = await spendingAlertEmail({
    orgName: p.org.name,
    spentCents: month.spendCents,
    limitCents: limit,
    percent: p.settings.spendingAlertPercent,
    currency: "usd",
    billingUrl: `${env().APP_URL}/${p.org.slug}/settings/billing`,
  });
  const data = {
    monthly_limit: limit,
    spend_this_month: month.spendCents,
    alert_threshold: p.settings.spendingAlertPercent / 100,
    currency: "usd",
    month: window.key,
  };
  await recordEvent(tx, { orgId: p.org.id, type: "spending_limit.alert", data, dedupeKey: `spending_alert:${window.key}` });
  return recordEmail(tx, { orgId: p.org.id, kind: "spending_alert", content, dedupeKey: `spending_alert:${window.key}` });
}
