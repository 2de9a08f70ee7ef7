import { rateFor, tierMeter, type MinuteTier } from "./meters";
import type { PlanId } from "./plans";

/**
 * Campaign autopause and resume (issue #15) — the pure rules. No DB, no Stripe.
 *
 * - A campaign's **minimum** is its configured `min_balance`, else the cost of one minute of its tier on the
 *   org's plan (`rateFor`).
 * - **Autopause**: an active campaign whose minimum is above the org's available balance (total − held +
 *   grace) is paused, reason `low_balance`. Campaigns never resume by themselves: the owner chooses which
 *   (a recharge may be meant for other work; a campaign that restarts unattended could drain it again).
 * - **Tier coverage**: the wallet is one pool of credits, but a recharge is bought *for* a tier. A Premium
 *   recharge covers Premium and Basic campaigns; a Basic recharge covers Basic only.
 * - **Resumable**: paused, covered by the recharge (when resuming after one), and the available balance is
 *   at least the campaign's minimum.
 */

type CampaignStatus = "active" | "paused";

export interface CampaignRule {
  id: string;
  tier: MinuteTier;
  status: CampaignStatus;
  /** the configured minimum (credits), or null for the tier's one-minute cost */
  minBalance: number | null;
}

/** Credits the org must have available for the campaign to run: its `min_balance`, else one minute of its tier. */
export function campaignMinimum(planId: PlanId, c: Pick<CampaignRule, "tier" | "minBalance">): number {
  return c.minBalance ?? rateFor({ id: planId }, tierMeter(c.tier));
}

/** The active campaigns to pause at `available` (their minimum is above it). */
export function campaignsToPause<C extends CampaignRule>(planId: PlanId, available: number, campaigns: readonly C[]): C[] {
  return campaigns.filter((c) => c.status === "active" && available < campaignMinimum(planId, c));
}

/**
 * The debit path's gate: the highest minimum among active campaigns — a balance below it may pause one;
 * at or above it nothing can change. Null when no campaign is active.
 */
export function campaignGateLevel(planId: PlanId, campaigns: readonly CampaignRule[]): number | null {
  let level: number | null = null;
  for (const c of campaigns) if (c.status === "active") level = Math.max(level ?? 0, campaignMinimum(planId, c));
  return level;
}

/** Whether a recharge bought for `rechargeTier` covers a campaign on `campaignTier`. */
export function tierCovers(rechargeTier: MinuteTier, campaignTier: MinuteTier): boolean {
  return rechargeTier === "premium" || campaignTier === "basic";
}

export type ResumeRefusal = "not_paused" | "tier_not_covered" | "below_minimum";

export type Resumability = { resumable: true } | { resumable: false; reason: ResumeRefusal; message: string };

const TIER_NAME: Record<MinuteTier, string> = { basic: "Basic", premium: "Premium" };

/**
 * Whether `c` may resume at `available`, after a recharge bought for `rechargeTier` (null: no recharge in
 * question — the API's resume and the Campaigns page check only the balance).
 */
export function resumability(planId: PlanId, c: CampaignRule, available: number, rechargeTier: MinuteTier | null): Resumability {
  if (c.status !== "paused") return { resumable: false, reason: "not_paused", message: "This campaign is not paused." };
  if (rechargeTier !== null && !tierCovers(rechargeTier, c.tier)) {
    return {
      resumable: false,
      reason: "tier_not_covered",
      message: `A ${TIER_NAME[rechargeTier]} recharge does not cover ${TIER_NAME[c.tier]} campaigns. Recharge ${TIER_NAME[c.tier]} to resume it.`,
    };
  }
  const minimum = campaignMinimum(planId, c);
  if (available < minimum) {
    return {
      resumable: false,
      reason: "below_minimum",
      message: `The available balance (${available} credits) is below this campaign's minimum of ${minimum} credits.`,
    };
  }
  return { resumable: true };
}

export function tierName(tier: MinuteTier): string {
  return TIER_NAME[tier];
}

/** A paused campaign as the Recharge dialog and the Campaigns page show it, with whether it may resume now. */
export interface CampaignOption {
  id: string;
  name: string;
  tier: MinuteTier;
  minimum: number;
  resumable: boolean;
  /** why it may not resume (null when it may) */
  reason: string | null;
}
