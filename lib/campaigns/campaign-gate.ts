import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "@/db/client";
import { campaigns, organizations } from "@/db/schema";
import { campaignGateLevel } from "@/lib/billing/campaigns";
import { createDebitGate, type GateLevel } from "@/lib/usage/debit-gate";

/**
 * The debit path's gate for campaign autopause (lib/usage/debit-gate): per org, the highest minimum among its
 * active campaigns (`campaignGateLevel`), kept for GATE_TTL_MS. A flush whose available balance is at or above
 * the level costs nothing: no query. Below it, one `campaigns.check` is handed off per org at a time (the check
 * is exact, under row locks).
 */
const GATE_TTL_MS = 5_000;

/** One read of the active campaigns (and plans) of many orgs; an org without one has no level. */
async function loadCampaignGates(db: Db, orgIds: string[], nowMs: number): Promise<Map<string, GateLevel>> {
  const rows = await db
    .select({
      orgId: campaigns.orgId,
      id: campaigns.id,
      tier: campaigns.tier,
      status: campaigns.status,
      minBalance: campaigns.minBalance,
      plan: organizations.plan,
    })
    .from(campaigns)
    .innerJoin(organizations, eq(organizations.id, campaigns.orgId))
    .where(and(inArray(campaigns.orgId, orgIds), eq(campaigns.status, "active")));
  const gates = new Map<string, GateLevel>();
  for (const orgId of orgIds) {
    const mine = rows.filter((r) => r.orgId === orgId);
    gates.set(orgId, { level: mine.length === 0 ? null : campaignGateLevel(mine[0]!.plan, mine), validUntil: nowMs + GATE_TTL_MS });
  }
  return gates;
}

const gate = createDebitGate({ name: "campaigns", job: "campaigns.check", mayFire: (available, level) => available < level, loadMany: loadCampaignGates });

/** Called by the check (and the load) with the level it computed: the gate follows it without a query. */
export function rememberCampaignGate(orgId: string, level: number | null, nowMs = Date.now()): void {
  gate.remember(orgId, { level, validUntil: nowMs + GATE_TTL_MS });
}

/** Forgets an org's gate (a campaign was created, resumed or deleted in this process). */
export const forgetCampaignGate = (orgId: string): void => gate.forget(orgId);

/** After a debit flush committed with `available` left: hands off a campaign check when one may pause. Never waits, never throws. */
export const campaignsAfterDebit = (db: Db, orgId: string, available: number, nowMs = Date.now()): void => gate.afterDebit(db, orgId, available, nowMs);

/** Resolves when the gate loads started so far are done (tests). */
export const campaignGateLoadsIdle = (): Promise<void> => gate.loadsIdle();

/** The `campaigns.check` job's end (success or not): runs the follow-up check if one was asked for. */
export const campaignCheckDone = (db: Db | null, orgId: string): void => gate.checkDone(db, orgId);
