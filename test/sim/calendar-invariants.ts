import { PLANS } from "@/lib/billing/plans";
import type { Violation } from "./invariants";
import type { World } from "./world";

/** The allotments a paid plan's invoice may grant (credits). */
const PAID_ALLOTMENTS = Object.values(PLANS)
  .filter((p) => p.monthlyPriceCents > 0)
  .map((p) => p.monthlyCredits);

/**
 * The calendar's invariants. Per org and calendar month in the org's time zone (of the attempt's
 * `created_at`, written from the app clock): succeeded auto-recharges ≤ the highest cap ever saved, their
 * cents ≤ the spending limit. Plan changes: plan credits never above the period's allotment; plan entries
 * only in the plan pool (top-up credits untouched); each period granted once, at a plan's allotment (a Free
 * period at Free's); an expiry takes the pool to 0. `final` adds: an org on Free has auto-recharge off and no
 * paid allotment (a late `invoice.paid` of its ended subscription grants nothing), and every active subscription's
 * current period — renewed when `monthEnd` advances the test clocks — has been granted.
 */
export async function calendarViolations(world: World, final: boolean): Promise<Violation[]> {
  const sql = world.check;
  const out: Violation[] = [];
  const add = (invariant: string, details: unknown) => out.push({ invariant, details });

  const months = await sql<{ org_id: string; month: string; n: number; cents: number }[]>`
    SELECT a.org_id, to_char(a.created_at AT TIME ZONE o.time_zone, 'YYYY-MM') AS month, count(*)::int AS n,
      COALESCE(sum(a.amount_cents), 0)::int AS cents
    FROM recharge_attempts a JOIN organizations o ON o.id = a.org_id
    WHERE a.trigger = 'auto' AND a.status = 'succeeded' GROUP BY 1, 2`;
  for (const m of months) {
    const o = world.orgs.find((x) => x.id === m.org_id);
    if (!o) continue;
    if (m.n > o.maxCapEver) add("monthly recharge cap held (per month, in the org's time zone)", { ...m, cap: o.maxCapEver });
    if (o.limitCents !== null && m.cents > o.limitCents) add("monthly spending limit held (per month, in the org's time zone)", { ...m, limit: o.limitCents });
  }

  const above = await sql`SELECT org_id, plan_credits, plan_allotment FROM credit_balances WHERE plan_credits > plan_allotment`;
  if (above.length) add("plan credits never above the period's allotment", above);
  const misplaced = await sql`SELECT org_id, kind, pool, delta, idempotency_key FROM ledger_entries
    WHERE kind IN ('plan_grant', 'plan_expire') AND pool <> 'plan'`;
  if (misplaced.length) add("a plan change touches only plan credits (top-up credits untouched)", misplaced);
  const grants = await sql<{ org_id: string; key: string; n: number; delta: number }[]>`
    SELECT org_id, idempotency_key AS key, count(*)::int AS n, max(delta)::int AS delta FROM ledger_entries
    WHERE kind = 'plan_grant' AND (idempotency_key LIKE 'invoice:%' OR idempotency_key LIKE 'downgrade:%') GROUP BY 1, 2`;
  for (const g of grants) {
    const free = g.key.startsWith("downgrade:");
    if (g.n !== 1 || (free ? g.delta !== PLANS.free.monthlyCredits : !PAID_ALLOTMENTS.includes(g.delta)))
      add("a plan period's credits granted once, at its plan's allotment", { ...g, expected: free ? PLANS.free.monthlyCredits : PAID_ALLOTMENTS });
  }
  const expiries = await sql`SELECT org_id, idempotency_key, delta, balance_after FROM ledger_entries WHERE kind = 'plan_expire' AND balance_after <> 0`;
  if (expiries.length) add("a new plan period expires every plan credit left (to 0)", expiries);
  if (final) {
    const onFree = await sql`SELECT o.id, s.enabled FROM organizations o JOIN auto_recharge_settings s ON s.org_id = o.id
      WHERE o.plan = 'free' AND s.enabled`;
    if (onFree.length) add("auto-recharge is off on Free", onFree);
    const paidOnFree = await sql`SELECT o.id, b.plan_credits, b.plan_allotment, b.plan_resets_at FROM organizations o
      JOIN credit_balances b ON b.org_id = o.id WHERE o.plan = 'free' AND b.plan_allotment > ${PLANS.free.monthlyCredits}`;
    if (paidOnFree.length) add("an org on Free holds no paid plan allotment", paidOnFree);
    // renewals (`monthEnd` advances the test clocks): an active subscription's current period has been granted
    const ungranted = await sql`SELECT o.id, s.id AS sub, s.current_period_end, b.plan_resets_at, b.plan_allotment FROM organizations o
      JOIN subscriptions s ON s.org_id = o.id AND s.status = 'active' AND s.plan = o.plan
      JOIN credit_balances b ON b.org_id = o.id
      WHERE s.current_period_end IS NOT NULL AND (b.plan_resets_at IS NULL OR b.plan_resets_at < s.current_period_end)`;
    if (ungranted.length) add("an active subscription's current period is granted (renewals included)", ungranted);
  }
  return out;
}
