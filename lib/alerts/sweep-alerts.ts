import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { ALERT_MIN_INTERVAL_MS } from "@/lib/billing/balance-alerts";
import { PLANS } from "@/lib/billing/plans";
import { logger } from "@/lib/log";
import { checkBalanceAlerts } from "./check-alerts";

const MAX_ORGS_PER_SWEEP = 500;

/**
 * The durable guarantee behind the in-process hand-offs (a crash between a debit's commit and its check, a
 * credit path without a hand-off, another process's stale gate): every minute, the orgs whose alert state
 * disagrees with their balance — an armed alert at or below its threshold and past the hourly limit, a fired
 * one above it, or an org never checked whose balance is at or below its highest threshold in force — are
 * checked (exactly, under the row locks). Returns how many orgs were checked.
 */
export async function sweepBalanceAlerts(db: Db, now = new Date()): Promise<number> {
  const tenPercent = sql.join(
    Object.values(PLANS).map((p) => sql`WHEN ${p.id} THEN ${Math.max(1, Math.round(p.monthlyCredits / 10))}`),
    sql` `,
  );
  const available = sql`(b.plan_credits + b.topup_credits - b.held_credits + CASE WHEN b.grace_attempt_id IS NULL THEN 0 ELSE b.grace_credits END)`;
  const limitAt = new Date(now.getTime() - ALERT_MIN_INTERVAL_MS).toISOString();
  const rows = await db.execute<{ org_id: string }>(sql`
    SELECT st.org_id FROM balance_alert_states st JOIN credit_balances b ON b.org_id = st.org_id
    WHERE (st.armed AND ${available} <= st.threshold AND (st.last_fired_at IS NULL OR st.last_fired_at <= ${limitAt}::timestamptz))
       OR (NOT st.armed AND ${available} > st.threshold)
    UNION
    SELECT b.org_id FROM credit_balances b
      JOIN organizations o ON o.id = b.org_id
      LEFT JOIN balance_alert_settings s ON s.org_id = b.org_id
      LEFT JOIN auto_recharge_settings a ON a.org_id = b.org_id
    WHERE NOT EXISTS (SELECT 1 FROM balance_alert_states st WHERE st.org_id = b.org_id)
      AND ${available} <= COALESCE(
        (SELECT max(t) FROM unnest(s.thresholds) t),
        CASE WHEN a.enabled THEN a.threshold ELSE CASE o.plan::text ${tenPercent} ELSE 0 END END)
    LIMIT ${MAX_ORGS_PER_SWEEP}`);
  let checked = 0;
  for (const { org_id } of rows) {
    try {
      await checkBalanceAlerts(db, org_id, now);
      checked++;
    } catch (err) {
      logger.error({ err, orgId: org_id, component: "alerts" }, "alert sweep: check failed");
    }
  }
  return checked;
}
