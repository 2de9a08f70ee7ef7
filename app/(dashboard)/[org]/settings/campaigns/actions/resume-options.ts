"use server";

import { z } from "zod";
import { getDb } from "@/db/client";
import { ownerAction } from "@/lib/actions/action-shell";
import type { ActionResult } from "@/lib/actions/action-result";
import type { CampaignOption } from "@/lib/billing/campaigns";
import { OWNER_ONLY_CAMPAIGNS } from "@/lib/billing/messages";
import { MINUTE_TIERS } from "@/lib/billing/meters";
import { pausedCampaignOptions } from "@/lib/campaigns/campaigns-view";

type OptionsResult = ActionResult<{ available: number; campaigns: CampaignOption[] }>;

const run = ownerAction(
  z.enum(MINUTE_TIERS).nullable(),
  async ({ ctx: { org }, input: tier }): Promise<OptionsResult> => ({ ok: true, ...(await pausedCampaignOptions(getDb(), org.id, tier)) }),
  { denied: OWNER_ONLY_CAMPAIGNS },
);

/** Owner only: the org's paused campaigns and which may resume after a recharge of `tier` (null: balance only). */
export async function resumeOptionsAction(orgSlug: string, tier: unknown): Promise<OptionsResult> {
  return run(orgSlug, tier);
}
