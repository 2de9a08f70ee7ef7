import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { campaigns, organizations } from "@/db/schema";
import { campaignGateLevel } from "@/lib/billing/campaigns";
import { handOffJob } from "@/lib/jobs/queue";
import { logger } from "@/lib/log";

/**
 * The debit path's gate for campaign autopause, in process memory (the low-balance alerts' pattern,
 * lib/alerts/alert-gate.ts): per org, the highest minimum among its active campaigns (`campaignGateLevel`),
 * kept for GATE_TTL_MS. A flush whose available balance is at or above the level costs nothing: no query.
 * Below it, one `campaigns.check` is handed off per org at a time (the check is exact, under row locks; a
 * flush during it asks for one more). An org with no gate yet is read once (one query) to fill it.
 */
const GATE_TTL_MS = 5_000;
const MAX_ORGS = 10_000;
/** a hand-off older than this is presumed lost (its job never reported back) */
const CHECK_STALE_MS = 30_000;

interface Gate {
  level: number | null;
  validUntil: number;
}
interface Holder {
  refillCampaignGates?: Map<string, Gate>;
  refillCampaignChecks?: Map<string, { since: number; again: boolean }>;
  refillCampaignGateLoads?: Map<string, { lowest: number; done: Promise<void> }>;
}
const holder = globalThis as unknown as Holder;
const gates = () => (holder.refillCampaignGates ??= new Map());
const checks = () => (holder.refillCampaignChecks ??= new Map());
const loading = () => (holder.refillCampaignGateLoads ??= new Map());

/** Called by the check (and the load) with the level it computed: the gate follows it without a query. */
export function rememberCampaignGate(orgId: string, level: number | null, nowMs = Date.now()): void {
  if (gates().size >= MAX_ORGS && !gates().has(orgId)) gates().clear();
  gates().set(orgId, { level, validUntil: nowMs + GATE_TTL_MS });
}

/** Forgets an org's gate (a campaign was created, resumed or deleted in this process). */
export function forgetCampaignGate(orgId: string): void {
  gates().delete(orgId);
}

/** After a debit flush committed with `available` left: hands off a campaign check when one may pause. Never waits, never throws. */
export function campaignsAfterDebit(db: Db, orgId: string, available: number, nowMs = Date.now()): void {
  const g = gates().get(orgId);
  if (g && g.validUntil > nowMs) {
    if (g.level !== null && available < g.level) requestCampaignCheck(db, orgId);
    return;
  }
  const pending = loading().get(orgId);
  if (pending) {
    pending.lowest = Math.min(pending.lowest, available); // the load decides for the lowest balance seen meanwhile
    return;
  }
  const entry = { lowest: available, done: Promise.resolve() };
  entry.done = loadCampaignGate(db, orgId)
    .then((level) => {
      if (level !== null && entry.lowest < level) requestCampaignCheck(db, orgId);
    })
    .catch((err: unknown) => logger.error({ err, orgId, component: "campaigns" }, "campaign gate load failed"))
    .finally(() => loading().delete(orgId));
  loading().set(orgId, entry);
}

/** Resolves when the gate loads started so far are done (tests). */
export async function campaignGateLoadsIdle(): Promise<void> {
  while (loading().size > 0) await Promise.all([...loading().values()].map((l) => l.done));
}

/** One read of the org's active campaigns and plan into the gate; returns its level. */
async function loadCampaignGate(db: Db, orgId: string): Promise<number | null> {
  const now = Date.now();
  const rows = await db
    .select({ id: campaigns.id, tier: campaigns.tier, status: campaigns.status, minBalance: campaigns.minBalance, plan: organizations.plan })
    .from(campaigns)
    .innerJoin(organizations, eq(organizations.id, campaigns.orgId))
    .where(and(eq(campaigns.orgId, orgId), eq(campaigns.status, "active")));
  const level = rows.length === 0 ? null : campaignGateLevel(rows[0]!.plan, rows);
  rememberCampaignGate(orgId, level, now);
  return level;
}

/** Hands off one `campaigns.check` for the org (coalesced: while one runs, at most one more follows it). */
function requestCampaignCheck(db: Db | null, orgId: string): void {
  const running = checks().get(orgId);
  if (running && Date.now() - running.since < CHECK_STALE_MS) {
    running.again = true;
    return;
  }
  checks().set(orgId, { since: Date.now(), again: false });
  void handOffJob(db, "campaigns.check", { orgId }).catch((err: unknown) => logger.error({ err, orgId, component: "campaigns" }, "campaign hand-off failed"));
}

/** The `campaigns.check` job's end (success or not): runs the follow-up check if one was asked for. */
export function campaignCheckDone(db: Db | null, orgId: string): void {
  const again = checks().get(orgId)?.again === true;
  checks().delete(orgId);
  if (again) requestCampaignCheck(db, orgId);
}
