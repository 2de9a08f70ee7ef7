import { and, desc, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { campaigns } from "@/db/schema";
import { campaignMinimum, resumability, type CampaignOption } from "@/lib/billing/campaigns";
import type { MinuteTier } from "@/lib/billing/meters";
import { getBalance } from "@/lib/ledger";
import { orgPlan } from "./campaigns";

/** How many of the org's campaigns are paused for a low balance (the banner across the org's pages). */
export async function countPausedCampaigns(db: Db, orgId: string): Promise<number> {
  const rows = await db
    .select({ id: campaigns.id })
    .from(campaigns)
    .where(and(eq(campaigns.orgId, orgId), eq(campaigns.status, "paused")));
  return rows.length;
}

/**
 * The org's paused campaigns with whether each may resume now — after a recharge bought for `rechargeTier`
 * (null: the balance alone decides) — and why not. The balance is read now (a recharge that just landed counts).
 */
export async function pausedCampaignOptions(
  db: Db,
  orgId: string,
  rechargeTier: MinuteTier | null,
): Promise<{ available: number; campaigns: CampaignOption[] }> {
  const [plan, balance, rows] = await Promise.all([
    orgPlan(db, orgId),
    getBalance(db, orgId),
    db
      .select()
      .from(campaigns)
      .where(and(eq(campaigns.orgId, orgId), eq(campaigns.status, "paused")))
      .orderBy(desc(campaigns.pausedAt), desc(campaigns.id)),
  ]);
  return {
    available: balance.available,
    campaigns: rows.map((c) => {
      const r = resumability(plan, c, balance.available, rechargeTier);
      return { id: c.id, name: c.name, tier: c.tier, minimum: campaignMinimum(plan, c), resumable: r.resumable, reason: r.resumable ? null : r.message };
    }),
  };
}
