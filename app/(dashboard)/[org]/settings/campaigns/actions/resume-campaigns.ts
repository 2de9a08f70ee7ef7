"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/client";
import { ownerAction } from "@/lib/actions/action-shell";
import type { ActionResult } from "@/lib/actions/action-result";
import { OWNER_ONLY_CAMPAIGNS } from "@/lib/billing/messages";
import { MINUTE_TIERS } from "@/lib/billing/meters";
import { resumeCampaigns } from "@/lib/campaigns/resume";

const input = z.object({
  ids: z.array(z.uuid("Choose campaigns from the list.")).min(1, "Choose at least one campaign to resume.").max(500),
  /** the tier the recharge just made was bought for; null from the Campaigns page (the balance alone decides) */
  tier: z.enum(MINUTE_TIERS).nullable(),
});

type ResumeResult = ActionResult<{ resumed: number; refused: { id: string; name: string; message: string }[] }>;

const run = ownerAction(
  input,
  async ({ ctx: { org }, input: { ids, tier } }): Promise<ResumeResult> => {
    const r = await resumeCampaigns(getDb(), { orgId: org.id, ids, rechargeTier: tier });
    revalidatePath(`/${org.slug}`, "layout");
    const refused = r.refused.filter((x) => x.reason !== "not_paused").map((x) => ({ id: x.campaign.id, name: x.campaign.name, message: x.message }));
    const message = `${r.resumed.length} campaign${r.resumed.length === 1 ? "" : "s"} resumed.`;
    return { ok: true, resumed: r.resumed.length, refused, message };
  },
  { denied: OWNER_ONLY_CAMPAIGNS },
);

/** Owner only: resumes the chosen paused campaigns that are covered by `tier` and whose minimum the balance meets. */
export async function resumeCampaignsAction(orgSlug: string, payload: unknown): Promise<ResumeResult> {
  return run(orgSlug, payload);
}
