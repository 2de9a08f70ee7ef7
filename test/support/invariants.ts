import type postgres from "postgres";

/** Per org and pool: the balance row vs the sum of ledger entries. Returns the mismatches (empty = ok). */
export async function ledgerMismatches(sql: postgres.Sql) {
  return sql`
    SELECT b.org_id, b.plan_credits, b.topup_credits,
           COALESCE(SUM(e.delta) FILTER (WHERE e.pool = 'plan'), 0)::int AS plan_sum,
           COALESCE(SUM(e.delta) FILTER (WHERE e.pool = 'topup'), 0)::int AS topup_sum
    FROM credit_balances b LEFT JOIN ledger_entries e ON e.org_id = b.org_id
    GROUP BY b.org_id, b.plan_credits, b.topup_credits
    HAVING b.plan_credits <> COALESCE(SUM(e.delta) FILTER (WHERE e.pool = 'plan'), 0)
        OR b.topup_credits <> COALESCE(SUM(e.delta) FILTER (WHERE e.pool = 'topup'), 0)`;
}
