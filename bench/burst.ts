/**
 * Burst survival and the fault round (issue 11): a fresh Starter org with a card on file at the emulator
 * (Stripe customer, default PaymentMethod, active subscription, one auto-recharge already paid so the
 * card "has succeeded before", as grace requires), auto-recharge on (1,000-credit packs), then 10,000 calls of 1 credit through
 * POST /api/v1/usage from 16 connections as fast as they go, honouring Retry-After like `npm run simulate`.
 * Everything is read back from the ledger, the attempts and the emulator — what main does, measured.
 */
import type postgres from "postgres";
import type { Db } from "@/db/client";
import { createApiKey } from "@/lib/api-keys/manage-api-keys";
import { creditTopup } from "@/lib/ledger";
import { createOrganization } from "@/lib/orgs/create-organization";
import { writeAutoRechargeSettings } from "@/lib/recharge/settings";
import { getStripe } from "@/lib/stripe/client";
import { getStripeCustomer } from "@/lib/stripe/customers";
import { attachTestCard, subscribeOrgToPlan } from "@/lib/billing-events/provision";
import { driveUsage, percentile, type DriveResult } from "../scripts/lib/usage-driver";

export const BURST = { calls: 10_000, connections: 16, packs: 1, cap: 31, faultCap: 8, startTopup: 0 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` every 250 ms until it returns true; false after `timeoutMs`. */
async function until(probe: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() > deadline) return false;
    await sleep(250);
  }
}

export interface BurstOrg {
  id: string;
  key: string;
  customerId: string;
}

/** The org, through the domain functions and the emulator (as test/support/billing-factories.ts does). */
export async function makeBurstOrg(db: Db, sql: postgres.Sql, appUrl: string, slug: string, threshold: number, cap: number): Promise<BurstOrg> {
  const org = await createOrganization(db, { name: slug, slug, plan: "free" });
  if (BURST.startTopup > 0)
    await creditTopup(db, { orgId: org.id, credits: BURST.startTopup, kind: "adjustment", reference: "bench", idempotencyKey: "bench:start" });
  await attachTestCard(db, org.id, "pm_card_visa");
  await subscribeOrgToPlan(db, org.id, "starter");
  // the first invoice's invoice.paid webhook makes the org Starter and grants its plan credits
  const subscribed = await until(async () => {
    const [r] = await sql`SELECT o.plan, b.plan_credits FROM organizations o JOIN credit_balances b ON b.org_id = o.id WHERE o.id = ${org.id}`;
    return r?.plan === "starter" && r.plan_credits > 0;
  }, 30_000);
  if (!subscribed) throw new Error(`${slug}: the subscription's plan credits never arrived`);
  const key = await createApiKey(db, org.id, null, { name: "burst", scopes: ["usage:write", "billing:read"] });
  // one real auto-recharge first, through the app (threshold above the balance, one call), so the card has
  // succeeded before — what grace requires — then the round's settings
  const settings = (t: number) =>
    writeAutoRechargeSettings(db, {
      orgId: org.id,
      plan: "starter",
      patch: { enabled: true, threshold: t, rechargePacks: BURST.packs, maxRechargesPerMonth: cap, spendingLimitCents: null },
      actor: { source: "system" },
    });
  const [bal] = await sql`SELECT plan_credits + topup_credits AS total FROM credit_balances WHERE org_id = ${org.id}`;
  await settings(Number(bal!.total) + 10);
  const primed = await until(async () => {
    await fetch(`${appUrl}/api/v1/usage`, {
      method: "POST",
      headers: { authorization: `Bearer ${key.secret}`, "content-type": "application/json" },
      body: JSON.stringify({ quantity: 1 }),
    });
    const [a] = await sql`SELECT count(*)::int AS n FROM recharge_attempts WHERE org_id = ${org.id} AND status = 'succeeded'`;
    return a!.n > 0;
  }, 30_000);
  if (!primed) throw new Error(`${slug}: the priming auto-recharge did not succeed`);
  await settings(threshold);
  const customer = await getStripeCustomer(db, org.id);
  return { id: org.id, key: key.secret, customerId: customer!.customerId };
}

export interface BurstFigures {
  label: string;
  threshold: number;
  drive: DriveResult;
  startBalance: number;
  /** auto attempts created during the burst, by status */
  attempts: Record<string, number>;
  /** downward crossings of the threshold (ledger replay) followed by a credit: crossing → credit, ms */
  crossingToCredit: { p50: number | null; p99: number | null; max: number | null; n: number; uncovered: number };
  /** credits that landed with the balance still above the threshold (rate-aware early trigger) */
  earlyCredits: number;
  /** attempt created → credit entry, ms */
  triggerToCredit: { p50: number | null; p99: number | null };
  /** the lowest top-up pool balance seen in the ledger (negative = overdraft) */
  minTopup: number;
  /** converged = no open attempt and every succeeded PaymentIntent credited, within the wait */
  converged: boolean;
  convergeMs: number;
  stripe: { succeededPIs: number; lostCredits: number; doubleCharged: number; unattributed: number };
  succeededAuto: number;
  cap: number;
  /** GET /api/v1/billing/auto-topup before the burst: grace and status as the product states them */
  before: { grace: string | null; status: string | null };
}

async function stripeTruth(sql: postgres.Sql, b: BurstOrg) {
  const pis = await getStripe().paymentIntents.list({ customer: b.customerId, limit: 100 }).autoPagingToArray({ limit: 10_000 });
  const succeeded = pis.filter((p) => p.status === "succeeded");
  const credited = await sql<{ reference: string }[]>`
    SELECT reference FROM ledger_entries WHERE org_id = ${b.id} AND kind IN ('auto_recharge', 'top_up') AND delta > 0`;
  const refs = new Set(credited.map((r) => r.reference));
  const perAttempt = new Map<string, number>();
  let unattributed = 0;
  for (const p of succeeded) {
    const attempt = p.metadata.attempt_id;
    if (!attempt) unattributed++;
    else perAttempt.set(attempt, (perAttempt.get(attempt) ?? 0) + 1);
  }
  return {
    // the subscription's invoice PaymentIntents have no attempt_id and are not credits: not counted as lost
    succeededPIs: succeeded.length - unattributed,
    lostCredits: succeeded.filter((p) => p.metadata.attempt_id && !refs.has(p.id)).length,
    doubleCharged: [...perAttempt.values()].filter((n) => n > 1).length,
    unattributed,
  };
}

/** Runs one burst against `b` and reads the figures back (waits up to `convergeTimeoutMs` for convergence). */
export async function runBurst(
  sql: postgres.Sql,
  appUrl: string,
  b: BurstOrg,
  o: { label: string; threshold: number; cap: number; convergeTimeoutMs: number; afterDrive?: () => Promise<void> },
): Promise<BurstFigures> {
  const [start] = await sql`SELECT plan_credits + topup_credits AS total, now() AS at FROM credit_balances WHERE org_id = ${b.id}`;
  const since = new Date(start!.at);
  const overview = (await fetch(`${appUrl}/api/v1/billing/auto-topup`, { headers: { authorization: `Bearer ${b.key}` } }).then(
    (r) => (r.ok ? r.json() : null),
    () => null,
  )) as { status_message?: string; grace?: { available: boolean; message: string } } | null;
  const before = {
    grace: overview?.grace ? `${overview.grace.available ? "available" : "not available"}: ${overview.grace.message}` : null,
    status: overview?.status_message ?? null,
  };
  const drive = await driveUsage({
    baseUrl: appUrl,
    key: b.key,
    calls: BURST.calls,
    concurrency: BURST.connections,
    quantity: 1,
    stopAtFirstRefusal: false,
    maxRetries: 100,
    keyPrefix: `burst-${b.id}`,
    threshold: o.threshold,
  });
  await o.afterDrive?.();
  const t0 = Date.now();
  const converged = await until(async () => {
    const [open] = await sql`SELECT count(*)::int AS n FROM recharge_attempts WHERE org_id = ${b.id} AND status IN ('pending', 'processing')`;
    if (open!.n > 0) return false;
    return (await stripeTruth(sql, b)).lostCredits === 0;
  }, o.convergeTimeoutMs);
  const convergeMs = Date.now() - t0;

  const attemptRows = await sql<{ id: string; status: string; created_at: Date | string }[]>`
    SELECT id, status, created_at FROM recharge_attempts WHERE org_id = ${b.id} AND trigger = 'auto' AND created_at >= ${since.toISOString()}::timestamptz`;
  const attempts: Record<string, number> = {};
  for (const a of attemptRows) attempts[a.status] = (attempts[a.status] ?? 0) + 1;
  const [succeededAuto] = await sql`SELECT count(*)::int AS n FROM recharge_attempts WHERE org_id = ${b.id} AND trigger = 'auto' AND status = 'succeeded'`;

  // replay the ledger in commit order: crossings of the threshold, credits, the top-up pool's low point
  const entries = await sql<{ pool: string; kind: string; delta: number; balance_after: number; reference: string | null; created_at: Date | string }[]>`
    SELECT pool, kind, delta, balance_after, reference, created_at FROM ledger_entries WHERE org_id = ${b.id} ORDER BY id`;
  let plan = 0;
  let topup = 0;
  let minTopup = Number.POSITIVE_INFINITY;
  let crossedAt: number | null = null;
  let earlyCredits = 0;
  const crossing: number[] = [];
  const creditAtByPi = new Map<string, number>();
  for (const e of entries) {
    const before = plan + topup;
    if (e.pool === "plan") plan = e.balance_after;
    else topup = e.balance_after;
    const at = new Date(e.created_at).getTime();
    if (at < since.getTime()) continue;
    if (e.pool === "topup") minTopup = Math.min(minTopup, topup);
    if (e.kind === "auto_recharge" && e.delta > 0) {
      if (e.reference) creditAtByPi.set(e.reference, at);
      if (crossedAt !== null) crossing.push(at - crossedAt);
      else earlyCredits++;
      crossedAt = null;
    } else if (crossedAt === null && before >= o.threshold && plan + topup < o.threshold) {
      crossedAt = at;
    }
  }
  const uncovered = crossedAt !== null ? 1 : 0; // a crossing no credit followed (the burst ended, or the cap)
  const piRows = await sql<{ payment_intent_id: string | null; created_at: Date | string }[]>`
    SELECT payment_intent_id, created_at FROM recharge_attempts WHERE org_id = ${b.id} AND trigger = 'auto' AND status = 'succeeded' AND created_at >= ${since.toISOString()}::timestamptz`;
  const trigger = piRows.flatMap((r) =>
    r.payment_intent_id && creditAtByPi.has(r.payment_intent_id) ? [creditAtByPi.get(r.payment_intent_id)! - new Date(r.created_at).getTime()] : [],
  );
  return {
    label: o.label,
    threshold: o.threshold,
    drive,
    startBalance: Number(start!.total),
    attempts,
    crossingToCredit: { p50: percentile(crossing, 50), p99: percentile(crossing, 99), max: percentile(crossing, 100), n: crossing.length, uncovered },
    earlyCredits,
    triggerToCredit: { p50: percentile(trigger, 50), p99: percentile(trigger, 99) },
    minTopup: Number.isFinite(minTopup) ? minTopup : 0,
    converged,
    convergeMs,
    stripe: await stripeTruth(sql, b),
    succeededAuto: succeededAuto!.n,
    cap: o.cap,
    before,
  };
}

/** Sets / clears emulator faults through its admin API. */
export async function emulatorFaults(emulatorUrl: string, method: "POST" | "DELETE", body?: unknown): Promise<void> {
  const res = await fetch(`${emulatorUrl}/_emulator/faults`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`emulator faults ${method}: ${res.status} ${await res.text()}`);
}
