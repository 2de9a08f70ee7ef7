import type { Db } from "@/db/client";
import { errorReply, type ApiReply } from "@/lib/api/responses";
import { parseUuid } from "@/lib/validation/ids";
import type { CreateCampaignInput } from "./campaign-schema";
import { campaignJson, createCampaign, deleteCampaign, getCampaign, listCampaigns, orgPlan } from "./campaigns";
import { resumeCampaigns } from "./resume";
import { pauseLowBalanceCampaigns } from "./autopause";

/**
 * The campaigns REST API's endpoint logic, on parsed input (the shell did the key, scope, body limit, JSON
 * and zod). Unknown, malformed and other orgs' ids are one 404.
 */
const NOT_FOUND = errorReply("not_found", "No such campaign.");

/** `GET /api/v1/campaigns` → `{ campaigns: [...] }`, newest first. */
export async function listCampaignsReply(db: Db, orgId: string): Promise<ApiReply> {
  const plan = await orgPlan(db, orgId);
  return { status: 200, body: { campaigns: (await listCampaigns(db, orgId)).map((c) => campaignJson(c, plan)) } };
}

/** `GET /api/v1/campaigns/{id}` → the campaign, or 404. */
export async function getCampaignReply(db: Db, orgId: string, rawId: string): Promise<ApiReply> {
  const id = parseUuid(rawId);
  const c = id ? await getCampaign(db, orgId, id) : null;
  if (!c) return NOT_FOUND;
  return { status: 200, body: campaignJson(c, await orgPlan(db, orgId)) };
}

/**
 * `POST /api/v1/campaigns` → 201 the campaign; 409 when `external_id` is taken. A campaign registered while
 * the balance is already below its minimum is paused at once (the same check as after a debit).
 */
export async function createCampaignReply(db: Db, orgId: string, input: CreateCampaignInput): Promise<ApiReply> {
  const r = await createCampaign(db, orgId, input);
  if (!r.ok)
    return errorReply("conflict", "Another campaign already has this external_id.", {
      reason: "external_id_taken",
      fields: { external_id: "already used by another campaign" },
    });
  await pauseLowBalanceCampaigns(db, orgId);
  const c = (await getCampaign(db, orgId, r.campaign.id)) ?? r.campaign;
  return { status: 201, body: campaignJson(c, await orgPlan(db, orgId)) };
}

/** `DELETE /api/v1/campaigns/{id}` → `{ id, deleted: true }`, or 404. */
export async function deleteCampaignReply(db: Db, orgId: string, rawId: string): Promise<ApiReply> {
  const id = parseUuid(rawId);
  if (!id || !(await deleteCampaign(db, orgId, id))) return NOT_FOUND;
  return { status: 200, body: { id, deleted: true } };
}

/**
 * `POST /api/v1/campaigns/{id}/resume` → 200 the campaign (active; an active one is returned as it is);
 * 409 `conflict` (`reason: "below_minimum"`, with `min_balance` and `available`) while the balance is below
 * its minimum — nothing changed; 404.
 */
export async function resumeCampaignReply(db: Db, orgId: string, rawId: string): Promise<ApiReply> {
  const id = parseUuid(rawId);
  if (!id) return NOT_FOUND;
  const r = await resumeCampaigns(db, { orgId, ids: [id], rechargeTier: null });
  if (r.missing.length > 0) return NOT_FOUND;
  const refused = r.refused[0];
  if (refused && refused.reason !== "not_paused") {
    const json = campaignJson(refused.campaign, r.plan);
    return errorReply("conflict", refused.message, { reason: refused.reason, min_balance: json.min_balance, available: r.available });
  }
  const c = r.resumed[0] ?? refused!.campaign;
  return { status: 200, body: campaignJson(c, r.plan) };
}
