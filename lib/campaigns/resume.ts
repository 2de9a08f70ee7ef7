import { and, asc, eq, inArray } from "drizzle-orm";
import type { Db } from "@/db/client";
import { campaigns, type Campaign } from "@/db/schema";
import { resumability, type ResumeRefusal } from "@/lib/billing/campaigns";
import type { MinuteTier } from "@/lib/billing/meters";
import type { PlanId } from "@/lib/billing/plans";
import { recordEvent } from "@/lib/events/record-event";
import { getBalance } from "@/lib/ledger";
import { campaignJson, orgPlan } from "./campaigns";
import { forgetCampaignGate } from "./campaign-gate";

export interface ResumeOutcome {
  plan: PlanId;
  available: number;
  resumed: Campaign[];
  /** campaigns not resumed, with the reason (`not_paused`: already active — nothing to do) */
  refused: { campaign: Campaign; reason: ResumeRefusal; message: string }[];
  /** ids that are not the org's campaigns */
  missing: string[];
}

/**
 * Resumes the org's paused campaigns `ids` the owner chose — each only when `resumability` allows it: covered
 * by the recharge's tier (`rechargeTier`; null = no recharge in question, balance only) and the available
 * balance at least its minimum. ONE transaction: the campaigns are locked (id order, as autopause locks them)
 * before the balance is read; a `campaign.resumed` event per campaign resumed, in that transaction.
 */
export async function resumeCampaigns(db: Db, p: { orgId: string; ids: string[]; rechargeTier: MinuteTier | null; now?: Date }): Promise<ResumeOutcome> {
  const now = p.now ?? new Date();
  const out = await db.transaction(async (tx) => {
    const rows = p.ids.length
      ? await tx
          .select()
          .from(campaigns)
          .where(and(eq(campaigns.orgId, p.orgId), inArray(campaigns.id, p.ids)))
          .orderBy(asc(campaigns.id))
          .for("update")
      : [];
    const plan = await orgPlan(tx, p.orgId);
    const balance = await getBalance(tx, p.orgId);
    const result: ResumeOutcome = {
      plan,
      available: balance.available,
      resumed: [],
      refused: [],
      missing: p.ids.filter((id) => !rows.some((r) => r.id === id)),
    };
    for (const c of rows) {
      const r = resumability(plan, c, balance.available, p.rechargeTier);
      if (!r.resumable) {
        result.refused.push({ campaign: c, reason: r.reason, message: r.message });
        continue;
      }
      const [row] = await tx
        .update(campaigns)
        .set({ status: "active", pausedReason: null, pausedAt: null, updatedAt: now })
        .where(eq(campaigns.id, c.id))
        .returning();
      await recordEvent(tx, {
        orgId: p.orgId,
        type: "campaign.resumed",
        data: { ...campaignJson(row!, plan), available: balance.available },
        dedupeKey: `campaign.resumed:${c.id}:${c.pauseCount}`,
      });
      result.resumed.push(row!);
    }
    return result;
  });
  if (out.resumed.length > 0) forgetCampaignGate(p.orgId); // active again: the gate's level may rise
  return out;
}
