import type postgres from "postgres";
import type { AppliedUsage, DebitPlan } from "@/lib/billing/debit-plan";
import { DEFAULT_METER } from "@/lib/billing/meters";

/**
 * The debit's SQL, on the postgres.js client directly: its statements are prepared once per connection
 * (one round trip each), where Drizzle's unnamed queries would describe every time (two).
 */

export interface BalanceRow {
  plan_credits: number;
  topup_credits: number;
  plan_allotment: number;
  /** timestamptz as text: Drizzle makes the client pass timestamps through unparsed */
  plan_resets_at: string | null;
  held_credits: number;
  grace_credits: number;
  grace_attempt_id: string | null;
  /** the org's auto-recharge settings, read in the same statement (null without a settings row) */
  ar_enabled: boolean | null;
  ar_threshold: number | null;
}

export interface PriorUsageRow {
  id: string;
  quantity: number;
  idempotency_key: string;
  plan_credits_after: number;
  topup_credits_after: number;
  meter: string;
  /** null on rows from before meters (then `quantity`) */
  units: number | null;
}

/** Locks the balance row (inside `tx`) and reads the first results of `keys` already applied. */
export async function lockBalanceAndPrior(
  tx: postgres.TransactionSql,
  orgId: string,
  keys: readonly string[],
): Promise<(BalanceRow & { prior: PriorUsageRow[] | null }) | undefined> {
  const [row] = await tx<(BalanceRow & { prior: PriorUsageRow[] | null })[]>`
    SELECT b.plan_credits, b.topup_credits, b.plan_allotment, b.plan_resets_at, b.held_credits, b.grace_credits, b.grace_attempt_id,
           s.enabled AS ar_enabled, s.threshold AS ar_threshold,
           (SELECT json_agg(json_build_object('id', u.id, 'quantity', u.quantity, 'idempotency_key', u.idempotency_key,
                    'plan_credits_after', u.plan_credits_after, 'topup_credits_after', u.topup_credits_after,
                    'meter', u.meter, 'units', u.units))
              FROM usage_events u
             WHERE u.org_id = b.org_id AND u.idempotency_key IN (SELECT json_array_elements_text(${JSON.stringify(keys)}::json))) AS prior
      FROM credit_balances b LEFT JOIN auto_recharge_settings s ON s.org_id = b.org_id
     WHERE b.org_id = ${orgId}
       FOR UPDATE OF b`;
  return row;
}

/**
 * The first results of `keys` already applied for `orgId`, read by its own statement. Called under the row
 * lock after `lockBalanceAndPrior` when its write found a key it had not seen: that statement's snapshot
 * predates the lock (READ COMMITTED takes it when the statement starts, before waiting), so a key another
 * process committed while we waited is visible only to a later statement. Under the lock no one else can
 * insert this org's usage (every insert rides the balance update), so this read is final.
 */
export async function readPriorUsages(tx: postgres.TransactionSql, orgId: string, keys: readonly string[]): Promise<PriorUsageRow[]> {
  if (keys.length === 0) return [];
  return tx<PriorUsageRow[]>`
    SELECT u.id, u.quantity, u.idempotency_key, u.plan_credits_after, u.topup_credits_after, u.meter, u.units
      FROM usage_events u
     WHERE u.org_id = ${orgId} AND u.idempotency_key IN (SELECT json_array_elements_text(${JSON.stringify(keys)}::json))`;
}

/** What a compare-and-set expects of the balance row: its pools and the limits the plan was decided under. */
export interface ExpectedBalance {
  planCredits: number;
  topupCredits: number;
  heldCredits: number;
  /** the overdraft allowed (grace_credits when grace is open, else 0) */
  graceCredits: number;
}

/**
 * ONE statement that applies `plan` if — and only if — the balance row still holds `expected` (pools, held
 * credits and the grace allowed, so a hold or a grace granted or ended since sends the batch to the locked
 * path) and none of
 * the plan's idempotency keys has been applied since: it updates the balance, inserts the ledger entries (in
 * order) and, for the requests that carried an idempotency key, their `usage_events` rows (the first result a
 * replay returns), adds the usage to the hourly rollup, and returns the row (plus the auto-recharge
 * settings). Usage entries carry no idempotency key of their own: `reference` is the usage event's id, whose
 * row holds the request's key. Zero rows back means nothing was written (the balance moved, or a key is no longer new).
 */
export async function writeDebitsIfUnchanged(
  sql: postgres.Sql | postgres.TransactionSql,
  orgId: string,
  expected: ExpectedBalance,
  plan: DebitPlan,
): Promise<BalanceRow | undefined> {
  // The usages travel as a few array parameters plus a JSON one for their rare fields (the statement text is the
  // same for every batch size); each usage's ledger entries — plan pool, then top-up pool, the non-zero ones — are
  // derived from them in SQL exactly as the plan made them (delta = the pool's share, balance_after = the pool after).
  const usages = usageParams([{ orgId, plan }]);
  const keys = JSON.stringify(plan.newUsages.flatMap((u) => (u.idempotencyKey === null ? [] : [u.idempotencyKey])));
  const credits = plan.newUsages.reduce((n, u) => n + u.quantity, 0);
  const [row] = await sql<BalanceRow[]>`
    WITH balance AS (
      UPDATE credit_balances
         SET plan_credits = ${plan.final.planCredits}, topup_credits = ${plan.final.topupCredits}, updated_at = now()
       WHERE org_id = ${orgId} AND plan_credits = ${expected.planCredits} AND topup_credits = ${expected.topupCredits}
         AND held_credits = ${expected.heldCredits}
         AND (CASE WHEN grace_attempt_id IS NULL THEN 0 ELSE grace_credits END) = ${expected.graceCredits}
         AND NOT EXISTS (SELECT 1 FROM usage_events u
                          WHERE u.org_id = ${orgId} AND u.idempotency_key IN (SELECT json_array_elements_text(${keys}::json)))
      RETURNING org_id, plan_credits, topup_credits, plan_allotment, plan_resets_at, held_credits, grace_credits, grace_attempt_id,
                ${credits}::int AS c, ${plan.newUsages.length}::int AS ev
    ), ${usageRows(sql, usages)}, ${usageWrites(sql)}
    SELECT b.plan_credits, b.topup_credits, b.plan_allotment, b.plan_resets_at, b.held_credits, b.grace_credits, b.grace_attempt_id,
           s.enabled AS ar_enabled, s.threshold AS ar_threshold
      FROM balance b LEFT JOIN auto_recharge_settings s ON s.org_id = ${orgId}`;
  return row;
}

/**
 * The writes both debit statements make for their usages — this one's and `writeManyDebitsIfUnchanged`'s
 * (./debit-many.ts) — as one SQL fragment of WITH items. Expects, earlier in the WITH list: `balance` (the
 * balance rows written, each with `org_id`, `c` = its credits debited and `ev` = its usages) and `usages` (the
 * new usages of those orgs: `o` the org, then the `usageRows` fields, `n` their order, `h` their hour). Writes the
 * `usage_events` rows (`rec`), the hourly rollups (by org, by meter, by property) and the ledger entries, in
 * order: plan pool, then top-up pool, the non-zero ones (delta = the pool's share, balance_after = the pool after).
 */
export function usageWrites(sql: postgres.Sql | postgres.TransactionSql) {
  return sql`usage AS (
      INSERT INTO usage_events (id, org_id, idempotency_key, quantity, plan_credits_after, topup_credits_after, meter, units, properties, occurred_at)
      SELECT id, o, key, q, p, t, m, un, pr, ts FROM usages WHERE rec
    ), hourly AS (
      INSERT INTO usage_hourly (org_id, hour, credits, events)
      SELECT org_id, date_trunc('hour', now()), c, ev FROM balance
      ON CONFLICT (org_id, hour) DO UPDATE
        SET credits = usage_hourly.credits + excluded.credits, events = usage_hourly.events + excluded.events
    ), by_meter AS (
      INSERT INTO usage_meter_hourly (org_id, meter, hour, units, credits, events)
      SELECT o, m, h, sum(un), sum(q), count(*) FROM usages GROUP BY o, m, h
      ON CONFLICT (org_id, meter, hour) DO UPDATE SET units = usage_meter_hourly.units + excluded.units,
        credits = usage_meter_hourly.credits + excluded.credits, events = usage_meter_hourly.events + excluded.events
    ), by_property AS (
      INSERT INTO usage_property_hourly (org_id, key, value, hour, units, credits, events)
      SELECT u.o, e.key, e.value, u.h, sum(u.un), sum(u.q), count(*)
        FROM usages u CROSS JOIN LATERAL jsonb_each_text(u.pr) AS e(key, value)
       WHERE u.pr IS NOT NULL GROUP BY u.o, e.key, e.value, u.h
      ON CONFLICT (org_id, key, value, hour) DO UPDATE SET units = usage_property_hourly.units + excluded.units,
        credits = usage_property_hourly.credits + excluded.credits, events = usage_property_hourly.events + excluded.events
    ), entries AS (
      INSERT INTO ledger_entries (org_id, pool, delta, kind, reference, balance_after)
      SELECT u.o, e.pool, e.delta, 'usage', u.id::text, e.after
        FROM usages u
             CROSS JOIN LATERAL (VALUES (1, 'plan'::credit_pool, -u.fp, u.p), (2, 'topup'::credit_pool, u.fp - u.q, u.t)) AS e(k, pool, delta, after)
       WHERE e.delta <> 0
       ORDER BY u.n, e.k
    )`;
}

/**
 * The new usages of `parts` (each an org and its plan, in order) as the debit statements' parameters: PostgreSQL
 * array literals of the fields every usage has — `o` its org, `id` (UUIDv7), `q` credits, `fp` credits its plan pool
 * gave, `p` / `t` the pools after it, `un` units — and `extras`, a JSON array of the rare fields (`n` its 1-based
 * position, `key`, `m` meter, `pr` properties, `ts` timestamp) of the usages that get a `usage_events` row: those
 * with an idempotency key (their replay), another meter than the default, properties or a timestamp. A plain
 * keyless debit on the default meter (the hot path) is then seven numbers and ids, where a JSON object per usage
 * cost PostgreSQL 2.6 µs to parse (half of the statement's time for a 1,000-event batch).
 */
export function usageParams(parts: readonly { orgId: string; plan: DebitPlan }[]): UsageParams {
  const o: string[] = [];
  const id: string[] = [];
  const q: number[] = [];
  const fp: number[] = [];
  const p: number[] = [];
  const t: number[] = [];
  const un: number[] = [];
  const extras: object[] = [];
  for (const { orgId, plan } of parts) {
    const fromPlan = new Map(plan.entries.filter((e) => e.pool === "plan").map((e) => [e.usageId, -e.delta]));
    for (const u of plan.newUsages) {
      o.push(orgId);
      id.push(u.id);
      q.push(u.quantity);
      fp.push(fromPlan.get(u.id) ?? 0);
      p.push(u.planCreditsAfter);
      t.push(u.topupCreditsAfter);
      un.push(u.measure?.units ?? u.quantity);
      const extra = usageExtras(u);
      if (extra) extras.push({ n: id.length, ...extra });
    }
  }
  const list = (xs: readonly (string | number)[]) => `{${xs.join(",")}}`;
  return { o: list(o), id: list(id), q: list(q), fp: list(fp), p: list(p), t: list(t), un: list(un), extras: JSON.stringify(extras) };
}

/** `usageParams`' result: array literals (`{…}`) of uuids and integers, and the JSON of the rare fields. */
export interface UsageParams {
  o: string;
  id: string;
  q: string;
  fp: string;
  p: string;
  t: string;
  un: string;
  extras: string;
}

/**
 * The rare fields of a usage that gets a `usage_events` row — when it has an idempotency key (its replay), or names
 * another meter than the default, properties or a timestamp (the CSV's meter and properties); null for a plain
 * keyless debit on the default meter, which writes none (the hot path).
 */
function usageExtras(u: AppliedUsage): { key: string | null; m: string; pr?: Record<string, string>; ts?: string } | null {
  const m = u.measure;
  const meter = m?.meter ?? DEFAULT_METER;
  const pr = m?.properties && Object.keys(m.properties).length > 0 ? m.properties : undefined;
  const ts = m?.occurredAt ? m.occurredAt.toISOString() : undefined;
  if (u.idempotencyKey === null && meter === DEFAULT_METER && pr === undefined && ts === undefined) return null;
  return { key: u.idempotencyKey, m: meter, pr, ts };
}

/**
 * The `usages` WITH item both debit statements share: the rows of `usageParams` (`o`, `id`, `key`, `q`, `fp`, `p`,
 * `t`, `m`, `un`, `pr`, `ts`, `rec`, `n` their order, `h` their hour) of the orgs whose balance row was written
 * (`balance`, earlier in the WITH list).
 */
export function usageRows(sql: postgres.Sql | postgres.TransactionSql, u: UsageParams) {
  return sql`usages AS MATERIALIZED (
      SELECT u.o, u.id, x.key, u.q, u.fp, u.p, u.t, coalesce(x.m, ${DEFAULT_METER}) AS m, u.un, x.pr, x.ts,
             x.n IS NOT NULL AS rec, u.n, date_trunc('hour', coalesce(x.ts, now())) AS h
        FROM unnest(${u.o}::uuid[], ${u.id}::uuid[], ${u.q}::int[], ${u.fp}::int[], ${u.p}::int[], ${u.t}::int[], ${u.un}::int[])
               WITH ORDINALITY AS u(o, id, q, fp, p, t, un, n)
             LEFT JOIN json_to_recordset(${u.extras}::json) AS x(n int, key text, m text, pr jsonb, ts timestamptz) ON x.n = u.n
       WHERE u.o IN (SELECT org_id FROM balance)
    )`;
}
