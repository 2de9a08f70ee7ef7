import type postgres from "postgres";

/** Orgs whose balance row differs from the sum of their ledger entries (per pool). */
export async function balanceMismatches(sql: postgres.Sql): Promise<number> {
  const [row] = await sql`
    SELECT count(*)::int AS n FROM (
      SELECT b.org_id FROM credit_balances b LEFT JOIN ledger_entries e ON e.org_id = b.org_id
      GROUP BY b.org_id, b.plan_credits, b.topup_credits
      HAVING b.plan_credits <> COALESCE(SUM(e.delta) FILTER (WHERE e.pool = 'plan'), 0)
          OR b.topup_credits <> COALESCE(SUM(e.delta) FILTER (WHERE e.pool = 'topup'), 0)) m`;
  return row!.n;
}

export interface RechargeCheck {
  /** times the total balance went from ≥ threshold to < threshold, replayed from the ledger */
  crossings: number;
  attempts: number;
  succeeded: number;
  /** distinct PaymentIntents among the attempts */
  paymentIntents: number;
  /** auto_recharge ledger entries (credits landed) */
  credited: number;
  /** attempts created while an earlier one was still open (never allowed: one recharge in flight per org) */
  overlapping: number;
  ok: boolean;
}

/**
 * Replays an org's ledger in commit order (entry ids are assigned under the balance row lock) and
 * counts downward threshold crossings; compares with the auto-recharge attempts created since `since`.
 * (Timestamps may arrive as strings: Drizzle sets the shared client's date parsers.)
 */
export async function checkRechargeExactlyOnce(sql: postgres.Sql, orgId: string, threshold: number, since: Date): Promise<RechargeCheck> {
  const entries = await sql<{ pool: string; balance_after: number; created_at: string | Date }[]>`
    SELECT pool, balance_after, created_at FROM ledger_entries WHERE org_id = ${orgId} ORDER BY id`;
  let plan = 0;
  let topup = 0;
  let crossings = 0;
  for (const e of entries) {
    const before = plan + topup;
    if (e.pool === "plan") plan = e.balance_after;
    else topup = e.balance_after;
    if (new Date(e.created_at) >= since && before >= threshold && plan + topup < threshold) crossings++;
  }
  const [a] = await sql`
    SELECT count(*)::int AS attempts,
           count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded,
           count(DISTINCT payment_intent_id)::int AS pis
    FROM recharge_attempts WHERE org_id = ${orgId} AND trigger = 'auto' AND created_at >= ${since.toISOString()}::timestamptz`;
  const [c] =
    await sql`SELECT count(*)::int AS n FROM ledger_entries WHERE org_id = ${orgId} AND kind = 'auto_recharge' AND created_at >= ${since.toISOString()}::timestamptz`;
  const [o] = await sql`
    SELECT count(*)::int AS n FROM (
      SELECT created_at, lag(completed_at) OVER (ORDER BY created_at) AS prev_done, lag(id) OVER (ORDER BY created_at) AS prev
        FROM recharge_attempts WHERE org_id = ${orgId} AND trigger = 'auto' AND created_at >= ${since.toISOString()}::timestamptz) x
     WHERE prev IS NOT NULL AND (prev_done IS NULL OR created_at < prev_done)`;
  const r = { crossings, attempts: a!.attempts, succeeded: a!.succeeded, paymentIntents: a!.pis, credited: c!.n, overlapping: o!.n };
  // The rate-aware trigger may recharge BEFORE a crossing (the runway is shorter than a recharge takes), so an
  // attempt needs no crossing; a crossing needs an attempt, and attempts never overlap.
  return {
    ...r,
    ok: r.attempts >= r.crossings && r.overlapping === 0 && r.succeeded === r.credited && r.paymentIntents === r.attempts,
  };
}
