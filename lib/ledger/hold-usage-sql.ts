import { sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import type { CreditHold } from "@/db/schema";
import { DEFAULT_METER } from "@/lib/billing/meters";

/**
 * A capture's usage in the per-meter and per-property rollups (the hour it was captured), and — when the hold
 * names another meter than the default or carries properties — its `usage_events` row (the CSV's meter and
 * properties; no idempotency key: the hold keeps its capture key). Inside the capture's transaction.
 */
export async function recordCapturedUsage(
  tx: Tx,
  orgId: string,
  hold: CreditHold,
  u: { usageId: string; units: number; credits: number; planCredits: number; topupCredits: number },
): Promise<void> {
  const props = hold.properties && Object.keys(hold.properties).length > 0 ? JSON.stringify(hold.properties) : null;
  await tx.execute(sql`
    INSERT INTO usage_meter_hourly (org_id, meter, hour, units, credits, events)
    VALUES (${orgId}, ${hold.meter}, date_trunc('hour', now()), ${u.units}, ${u.credits}, 1)
    ON CONFLICT (org_id, meter, hour) DO UPDATE SET units = usage_meter_hourly.units + excluded.units,
      credits = usage_meter_hourly.credits + excluded.credits, events = usage_meter_hourly.events + excluded.events`);
  if (props === null && hold.meter === DEFAULT_METER) return;
  await tx.execute(sql`
    INSERT INTO usage_events (id, org_id, idempotency_key, quantity, plan_credits_after, topup_credits_after, meter, units, properties)
    VALUES (${u.usageId}, ${orgId}, NULL, ${u.credits}, ${u.planCredits}, ${u.topupCredits}, ${hold.meter}, ${u.units}, ${props}::jsonb)`);
  if (props === null) return;
  await tx.execute(sql`
    INSERT INTO usage_property_hourly (org_id, key, value, hour, units, credits, events)
    SELECT ${orgId}, e.key, e.value, date_trunc('hour', now()), ${u.units}, ${u.credits}, 1 FROM jsonb_each_text(${props}::jsonb) AS e(key, value)
    ON CONFLICT (org_id, key, value, hour) DO UPDATE SET units = usage_property_hourly.units + excluded.units,
      credits = usage_property_hourly.credits + excluded.credits, events = usage_property_hourly.events + excluded.events`);
}
