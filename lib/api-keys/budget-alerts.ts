import { eq } from "drizzle-orm";
import type postgres from "postgres";
import { drizzleOn } from "@/db/client";
import * as schema from "@/db/schema";
import { env } from "@/lib/env";
import { formatDateTime } from "@/lib/format";
import { recordEvent } from "@/lib/events/record-event";
import type { BudgetAlerts } from "@/lib/ledger/key-budget-sql";
import { recordEmail } from "@/lib/notifications/emails";
import { budgetAlertEmail } from "@/lib/notifications/templates";
import { budgetJson } from "./key-budgets";

/**
 * The 80 % / 100 % budget alerts a debit crossed: an email to the owners and a `budget.alert` event, each once
 * per key, period and level (dedupe keys), written IN the debit's transaction (`tx`, postgres.js) — the
 * counter row that marks the level as sent commits with them.
 */
export async function writeBudgetAlerts(sqlTx: postgres.TransactionSql, alerts: BudgetAlerts): Promise<void> {
  const tx = drizzleOn(sqlTx);
  const { budget, orgId } = alerts;
  const [row] = await tx
    .select({ orgName: schema.organizations.name, slug: schema.organizations.slug, keyName: schema.apiKeys.name, tz: schema.organizations.timeZone })
    .from(schema.apiKeys)
    .innerJoin(schema.organizations, eq(schema.organizations.id, schema.apiKeys.orgId))
    .where(eq(schema.apiKeys.id, budget.keyId));
  if (!row) return;
  const resetsAt = `${formatDateTime(budget.resetsAt, budget.timeZone)} (${budget.timeZone})`;
  for (const level of alerts.levels) {
    const dedupeKey = `budget:${budget.keyId}:${budget.periodStart.toISOString()}:${level}`;
    await recordEmail(tx, {
      orgId,
      kind: "budget_alert",
      dedupeKey,
      content: await budgetAlertEmail({
        orgName: row.orgName,
        keyName: row.keyName,
        level,
        used: budget.used,
        credits: budget.credits,
        period: budget.period,
        resetsAt,
        apiKeysUrl: `${env().APP_URL}/${row.slug}/settings/api-keys`,
      }),
    });
    await recordEvent(tx, {
      orgId,
      type: "budget.alert",
      dedupeKey,
      data: { level, api_key: { id: budget.keyId, name: row.keyName }, budget: budgetJson({ ...budget }) },
    });
  }
}
