import type postgres from "postgres";
import type { Db } from "@/db/client";
import type { DebitPlan, DebitRequest } from "@/lib/billing/debit-plan";
import type { Balance } from "./balance";
import { planCompareAndSet, rowBalance, toFlush, type DebitFlush } from "./debit";
import { usageParams, usageRows, usageWrites, type BalanceRow, type ExpectedBalance } from "./debit-sql";
import { isUniqueViolation, toLedgerWriteError } from "./write-error";

/** One org's compare-and-set debit: its requests, decided on `expected` (the balance this process last wrote). */
export interface CasDebit {
  orgId: string;
  requests: readonly DebitRequest[];
  expected: Balance;
}

/**
 * A compare-and-set that wrote nothing for its org. `current`: the org's balance as the shared statement read it
 * under its row lock — the latest committed row, which a retry may expect — when the guard failed on the balance
 * alone; null when nothing was read or a retry could not help (a key applied before, a plan that would refuse a
 * request or has nothing new, a statement rolled back, the single-org statement).
 */
export interface CasMiss {
  written: false;
  current: Balance | null;
}

export type CasOutcome = DebitFlush | CasMiss;

export const isCasMiss = (o: CasOutcome): o is CasMiss => "written" in o;

export const casMiss = (current: Balance | null = null): CasMiss => ({ written: false, current });

/** Deadlock (40P01) or serialization failure (40001): the statement was rolled back whole, nothing written. */
function isRolledBackConflict(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === "40P01" || code === "40001";
}

/**
 * `debitIfUnchanged` for many orgs in ONE autocommitted statement (cross-org group commit): each org's
 * requests are decided by the pure `planDebits` on its own `expected` balance, and each org's part is written
 * only if ITS balance row still holds `expected` and none of ITS new keys was applied — so every answer is
 * exactly what the org's own compare-and-set would have given. Orgs whose guard fails (or whose plan would
 * refuse a request, or has nothing new) get a `CasMiss` and nothing of theirs is written. When only the balance had
 * moved (another process wrote it), the miss carries the row as this statement locked it, so the caller can try
 * once more on it (one more shared statement) before the locked path. The rows are locked in `org_id` order, so
 * two such statements (two processes) never deadlock each other.
 *
 * `items`: distinct orgs, each with 1..n requests (integer quantities ≥ 1, credits). Returns one entry per
 * item, in order. A unique violation (a key raced in by another writer), a deadlock or a serialization
 * failure rolls the whole statement back: every entry is a miss without `current`. Any other database error is
 * thrown as a `LedgerWriteError` (`applied: "unknown"` when the connection was lost after the statement was sent).
 */
export async function debitManyIfUnchanged(db: Db, items: readonly CasDebit[]): Promise<CasOutcome[]> {
  const planned = items.map((item) => {
    const p = planCompareAndSet(item.requests, item.expected);
    return p && { orgId: item.orgId, expected: p.guard, plan: p.plan };
  });
  const toWrite = planned.filter((p): p is NonNullable<typeof p> => p !== null);
  if (toWrite.length === 0) return planned.map(() => casMiss());
  let rows: Map<string, WrittenOrLocked>;
  try {
    rows = await writeManyDebitsIfUnchanged(db.$client, toWrite);
  } catch (err) {
    if (isUniqueViolation(err) || isRolledBackConflict(err)) return planned.map(() => casMiss());
    throw toLedgerWriteError(err, true);
  }
  return planned.map((p) => {
    const row = p && rows.get(p.orgId);
    if (!p || !row) return casMiss();
    return row.written ? toFlush(p.plan.outcomes, row, "compare-and-set") : casMiss(rowBalance(row));
  });
}

/** A row of the statement: the balance it wrote (`written`), or the one it locked and left (its guard failed on it). */
type WrittenOrLocked = BalanceRow & { org_id: string; written: boolean };

interface OrgWrite {
  orgId: string;
  expected: ExpectedBalance;
  plan: DebitPlan;
}

/**
 * The statement: `writeDebitsIfUnchanged` (lib/ledger/debit-sql.ts) with every org's part in the same parameters —
 * the orgs as JSON (their guard and final pools) and the usages as `usageParams` (each tagged with its org). Returns, by
 * org id, the balance rows (plus auto-recharge settings) of the orgs it wrote (`written`), and the rows as it locked
 * them of the orgs whose guard failed on the balance alone (none of their keys was applied before).
 */
async function writeManyDebitsIfUnchanged(sql: postgres.Sql, writes: readonly OrgWrite[]): Promise<Map<string, WrittenOrLocked>> {
  const orgs = JSON.stringify(
    writes.map((w) => ({
      o: w.orgId,
      ep: w.expected.planCredits,
      et: w.expected.topupCredits,
      eh: w.expected.heldCredits,
      eg: w.expected.graceCredits,
      fp: w.plan.final.planCredits,
      ft: w.plan.final.topupCredits,
      keys: w.plan.newUsages.flatMap((u) => (u.idempotencyKey === null ? [] : [u.idempotencyKey])),
      c: w.plan.newUsages.reduce((n, u) => n + u.quantity, 0),
      ev: w.plan.newUsages.length,
    })),
  );
  const usages = usageParams(writes);
  const rows = await sql<WrittenOrLocked[]>`
    WITH input AS MATERIALIZED (
      SELECT * FROM json_to_recordset(${orgs}::json) AS i(o uuid, ep int, et int, eh int, eg int, fp int, ft int, keys json, c int, ev int)
    ), locked AS MATERIALIZED (
      SELECT b.org_id, b.plan_credits, b.topup_credits, b.plan_allotment, b.plan_resets_at, b.held_credits, b.grace_credits, b.grace_attempt_id
        FROM credit_balances b WHERE b.org_id = ANY (ARRAY(SELECT o FROM input)) ORDER BY b.org_id FOR UPDATE
    ), seen AS MATERIALIZED (
      SELECT DISTINCT i.o FROM input i CROSS JOIN LATERAL json_array_elements_text(i.keys) AS k(key)
             CROSS JOIN LATERAL (SELECT 1 FROM usage_events u WHERE u.org_id = i.o AND u.idempotency_key = k.key LIMIT 1) AS hit
    ), balance AS (
      UPDATE credit_balances b
         SET plan_credits = i.fp, topup_credits = i.ft, updated_at = now()
        FROM input i
       WHERE b.org_id = i.o AND b.org_id = ANY (ARRAY(SELECT org_id FROM locked))
         AND b.plan_credits = i.ep AND b.topup_credits = i.et AND b.held_credits = i.eh
         AND (CASE WHEN b.grace_attempt_id IS NULL THEN 0 ELSE b.grace_credits END) = i.eg
         AND NOT EXISTS (SELECT 1 FROM seen WHERE seen.o = i.o)
      RETURNING b.org_id, b.plan_credits, b.topup_credits, b.plan_allotment, b.plan_resets_at, b.held_credits, b.grace_credits,
                b.grace_attempt_id, i.c, i.ev
    ), ${usageRows(sql, usages)}, ${usageWrites(sql)}
    SELECT b.org_id, b.plan_credits, b.topup_credits, b.plan_allotment, b.plan_resets_at, b.held_credits, b.grace_credits, b.grace_attempt_id,
           s.enabled AS ar_enabled, s.threshold AS ar_threshold, true AS written
      FROM balance b LEFT JOIN auto_recharge_settings s ON s.org_id = b.org_id
    UNION ALL
    SELECT l.org_id, l.plan_credits, l.topup_credits, l.plan_allotment, l.plan_resets_at, l.held_credits, l.grace_credits, l.grace_attempt_id,
           NULL, NULL, false
      FROM locked l
     WHERE l.org_id NOT IN (SELECT org_id FROM balance) AND l.org_id NOT IN (SELECT o FROM seen)`;
  return new Map(rows.map((r) => [r.org_id, r]));
}
