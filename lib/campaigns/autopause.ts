import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { campaigns, type Campaign } from "@/db/schema";
import { campaignGateLevel, campaignsToPause } from "@/lib/billing/campaigns";
import { RATE_CARDS } from "@/lib/billing/meters";
import { recordEvent } from "@/lib/events/record-event";
import { getBalance } from "@/lib/ledger";
import { logger } from "@/lib/log";
import { campaignJson, orgPlan } from "./campaigns";
import { rememberCampaignGate } from "./campaign-gate";

/**
 * Pauses the org's active campaigns whose minimum is above its available balance (`campaignsToPause`), each
 * with a `campaign.paused` event, in ONE transaction: the org's active campaigns are locked (`FOR UPDATE`, id
 * order) BEFORE the balance is read, so concurrent checks — in any process — are serialized, and the second
 * sees the first's pauses: each campaign pauses once per crossing, one event each (deduped by its pause count).
 * Returns the ids paused.
 */
export async function pauseLowBalanceCampaigns(db: Db, orgId: string, now = new Date()): Promise<string[]> {
  const { paused, level } = await db.transaction(async (tx) => {
    const active = await tx
      .select()
      .from(campaigns)
      .where(and(eq(campaigns.orgId, orgId), eq(campaigns.status, "active")))
      .orderBy(asc(campaigns.id))
      .for("update");
    if (active.length === 0) return { paused: [] as Campaign[], level: null };
    const plan = await orgPlan(tx, orgId);
    const balance = await getBalance(tx, orgId);
    const toPause = campaignsToPause(plan, balance.available, active);
    const out: Campaign[] = [];
    for (const c of toPause) {
      const [row] = await tx
        .update(campaigns)
        .set({ status: "paused", pausedReason: "low_balance", pausedAt: now, pauseCount: c.pauseCount + 1, updatedAt: now })
        .where(eq(campaigns.id, c.id))
        .returning();
      await recordEvent(tx, {
        orgId,
        type: "campaign.paused",
        data: { ...campaignJson(row!, plan), available: balance.available },
        dedupeKey: `campaign.paused:${c.id}:${row!.pauseCount}`,
      });
      out.push(row!);
    }
    const pausedIds = new Set(out.map((c) => c.id));
    return {
      paused: out,
      level: campaignGateLevel(
        plan,
        active.filter((c) => !pausedIds.has(c.id)),
      ),
    };
  });
  rememberCampaignGate(orgId, level);
  if (paused.length > 0) logger.info({ orgId, component: "campaigns", campaigns: paused.map((c) => c.id) }, "campaigns paused: low balance");
  return paused.map((c) => c.id);
}

const MAX_ORGS_PER_SWEEP = 500;

/**
 * The durable guarantee behind the debit path's in-process gate (a crash after a debit's commit, another
 * process's stale gate, a hold or a plan change): every minute, the orgs with an active campaign whose
 * minimum is above the available balance are checked (exactly, under the row locks). Returns how many.
 */
export async function sweepCampaignAutopause(db: Db, now = new Date()): Promise<number> {
  const defaults = sql.join(
    Object.entries(RATE_CARDS).flatMap(([plan, card]) => [
      sql`WHEN o.plan::text = ${plan} AND c.tier = 'basic' THEN ${card["minute.basic"]}::int`,
      sql`WHEN o.plan::text = ${plan} AND c.tier = 'premium' THEN ${card["minute.premium"]}::int`,
    ]),
    sql` `,
  );
  const available = sql`(b.plan_credits + b.topup_credits - b.held_credits + CASE WHEN b.grace_attempt_id IS NULL THEN 0 ELSE b.grace_credits END)`;
  const rows = await db.execute<{ org_id: string }>(sql`
    SELECT DISTINCT c.org_id FROM campaigns c
      JOIN credit_balances b ON b.org_id = c.org_id
      JOIN organizations o ON o.id = c.org_id
    WHERE c.status = 'active' AND ${available} < COALESCE(c.min_balance, CASE ${defaults} END)
    LIMIT ${MAX_ORGS_PER_SWEEP}`);
  let checked = 0;
  for (const { org_id } of rows) {
    try {
      await pauseLowBalanceCampaigns(db, org_id, now);
      checked++;
    } catch (err) {
      logger.error({ err, orgId: org_id, component: "campaigns" }, "campaign sweep: check failed");
    }
  }
  return checked;
}
