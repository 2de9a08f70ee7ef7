import { and, desc, eq } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { campaigns, organizations, type Campaign } from "@/db/schema";
import { campaignMinimum } from "@/lib/billing/campaigns";
import type { PlanId } from "@/lib/billing/plans";
import type { CreateCampaignInput } from "./campaign-schema";
import { forgetCampaignGate } from "./campaign-gate";

/** A campaign as the API, its events and the pages show it (`min_balance`: the minimum in force). */
export function campaignJson(c: Campaign, planId: PlanId) {
  return {
    id: c.id,
    name: c.name,
    tier: c.tier,
    external_id: c.externalId,
    status: c.status,
    paused_reason: c.pausedReason,
    paused_at: c.pausedAt?.toISOString() ?? null,
    min_balance: campaignMinimum(planId, c),
    min_balance_default: c.minBalance === null,
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
  };
}

export async function orgPlan(db: DbOrTx, orgId: string): Promise<PlanId> {
  const [o] = await db.select({ plan: organizations.plan }).from(organizations).where(eq(organizations.id, orgId));
  return o?.plan ?? "free";
}

/** The org's campaigns, newest first. */
export async function listCampaigns(db: DbOrTx, orgId: string): Promise<Campaign[]> {
  return db.select().from(campaigns).where(eq(campaigns.orgId, orgId)).orderBy(desc(campaigns.createdAt), desc(campaigns.id));
}

/** One campaign of the org, or null (another org's id is "no such campaign"). */
export async function getCampaign(db: DbOrTx, orgId: string, id: string): Promise<Campaign | null> {
  const [c] = await db
    .select()
    .from(campaigns)
    .where(and(eq(campaigns.id, id), eq(campaigns.orgId, orgId)));
  return c ?? null;
}

/** Registers a campaign (active). `external_id` already used by another of the org's campaigns → `duplicate`. */
export async function createCampaign(
  db: Db,
  orgId: string,
  input: CreateCampaignInput,
): Promise<{ ok: true; campaign: Campaign } | { ok: false; code: "duplicate" }> {
  const [row] = await db
    .insert(campaigns)
    .values({ orgId, name: input.name, tier: input.tier, externalId: input.external_id ?? null, minBalance: input.min_balance ?? null })
    .onConflictDoNothing()
    .returning();
  if (!row) return { ok: false, code: "duplicate" };
  forgetCampaignGate(orgId); // a new active campaign may raise the gate's level
  return { ok: true, campaign: row };
}

/** Deletes one of the org's campaigns; false when there is none. */
export async function deleteCampaign(db: Db, orgId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(campaigns)
    .where(and(eq(campaigns.id, id), eq(campaigns.orgId, orgId)))
    .returning({ id: campaigns.id });
  forgetCampaignGate(orgId);
  return rows.length > 0;
}
