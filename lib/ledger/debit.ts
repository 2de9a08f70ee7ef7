import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { planDebits, type AppliedUsage, type DebitRequest } from "@/lib/billing/debit-plan";
import { assertCredits, LedgerError, toBalance, type Balance } from "./balance";

export type { DebitRequest } from "@/lib/billing/debit-plan";

export type DebitResult =
  | { ok: true; id: string; quantity: number; balance: Balance; replayed: boolean }
  | { ok: false; code: "insufficient_credits"; quantity: number; balance: Balance };

interface LockedRow {
  plan_credits: number;
  topup_credits: number;
  plan_allotment: number;
  plan_resets_at: string | Date | null;
  prior: { id: string; quantity: number; idempotency_key: string; plan_credits_after: number; topup_credits_after: number }[];
}

/**
 * Debits usage for one org: plan pool first, then top-up pool, all requests in ONE transaction of two
 * statements — (1) lock the balance row and read the prior results of the requests' idempotency keys,
 * (2) one statement that updates the balance, inserts the usage events and their ledger entries and adds
 * them to the hourly usage rollup (`usage_hourly`) —
 * so the row lock is held for as few round trips as possible. Decisions are made by the pure
 * `planDebits` on the locked (true) balance, in arrival order.
 *
 * `requests`: 1..n, each `quantity` an integer ≥ 1 (credits). Returns one result per request, in order:
 * success with the balance after it, a replay of the first result for an idempotency key already applied,
 * or `insufficient_credits` (nothing debited for that request). Throws `LedgerError` for a missing
 * balance row or a non-integer quantity (nothing written).
 */
export async function debitCredits(db: DbOrTx, orgId: string, requests: readonly DebitRequest[]): Promise<DebitResult[]> {
  for (const r of requests) assertCredits(r.quantity, "quantity");
  if (requests.length === 0) return [];
  const keys = [...new Set(requests.map((r) => r.idempotencyKey).filter((k): k is string => !!k))];
  return db.transaction(async (tx) => {
    const priorSql = keys.length
      ? sql`(SELECT json_agg(json_build_object('id', u.id, 'quantity', u.quantity, 'idempotency_key', u.idempotency_key,
              'plan_credits_after', u.plan_credits_after, 'topup_credits_after', u.topup_credits_after))
             FROM usage_events u WHERE u.org_id = b.org_id AND u.idempotency_key IN ${keys})`
      : sql`NULL`;
    const [row] = (await tx.execute(sql`
      SELECT b.plan_credits, b.topup_credits, b.plan_allotment, b.plan_resets_at, ${priorSql} AS prior
      FROM credit_balances b WHERE b.org_id = ${orgId} FOR UPDATE`)) as unknown as LockedRow[];
    if (!row) throw new LedgerError("balance_missing", `No credit balance for org ${orgId}`);

    const prior = new Map<string, AppliedUsage>();
    for (const u of row.prior ?? []) {
      prior.set(u.idempotency_key, {
        id: u.id,
        quantity: u.quantity,
        idempotencyKey: u.idempotency_key,
        planCreditsAfter: u.plan_credits_after,
        topupCreditsAfter: u.topup_credits_after,
      });
    }
    const start = { planCredits: row.plan_credits, topupCredits: row.topup_credits };
    const plan = planDebits(start, requests, prior, randomUUID);

    if (plan.newUsages.length > 0) {
      // Rows travel as one JSON parameter each, so the statement text is the same for every batch size
      // (one prepared statement) and Postgres parses them in one pass.
      const usageJson = JSON.stringify(
        plan.newUsages.map((u) => ({ id: u.id, key: u.idempotencyKey, q: u.quantity, p: u.planCreditsAfter, t: u.topupCreditsAfter })),
      );
      const entryJson = JSON.stringify(
        plan.entries.map((e) => ({ pool: e.pool, d: e.delta, ref: e.usageId, key: `usage:${e.usageId}:${e.pool}`, after: e.balanceAfter })),
      );
      const credits = plan.newUsages.reduce((n, u) => n + u.quantity, 0);
      await tx.execute(sql`
        WITH balance AS (
          UPDATE credit_balances SET plan_credits = ${plan.final.planCredits}, topup_credits = ${plan.final.topupCredits}, updated_at = now()
          WHERE org_id = ${orgId}
        ), usage AS (
          INSERT INTO usage_events (id, org_id, idempotency_key, quantity, plan_credits_after, topup_credits_after)
          SELECT u.id, ${orgId}, u.key, u.q, u.p, u.t
          FROM json_to_recordset(${usageJson}::json) AS u(id uuid, key text, q int, p int, t int)
        ), hourly AS (
          INSERT INTO usage_hourly (org_id, hour, credits, events)
          VALUES (${orgId}, date_trunc('hour', now()), ${credits}, ${plan.newUsages.length})
          ON CONFLICT (org_id, hour) DO UPDATE
            SET credits = usage_hourly.credits + excluded.credits, events = usage_hourly.events + excluded.events
        )
        INSERT INTO ledger_entries (org_id, pool, delta, kind, reference, idempotency_key, balance_after)
        SELECT ${orgId}, e.pool::credit_pool, e.d, 'usage', e.ref, e.key, e.after
        FROM ROWS FROM (json_to_recordset(${entryJson}::json) AS (pool text, d int, ref text, key text, after int))
          WITH ORDINALITY AS e(pool, d, ref, key, after, n)
        ORDER BY e.n`);
    }

    const extra = { planAllotment: row.plan_allotment, planResetsAt: row.plan_resets_at ? new Date(row.plan_resets_at) : null };
    return plan.outcomes.map((o): DebitResult => {
      if (!o.ok) return { ok: false, code: o.code, quantity: o.quantity, balance: toBalance({ ...o.balance, ...extra }) };
      const balance = toBalance({ planCredits: o.usage.planCreditsAfter, topupCredits: o.usage.topupCreditsAfter, ...extra });
      return { ok: true, id: o.usage.id, quantity: o.usage.quantity, balance, replayed: o.replayed };
    });
  });
}
