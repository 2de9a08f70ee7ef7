import { ledgerMismatches } from "../support/invariants";
import type { ClientLog } from "./client";
import { emulatorAdmin } from "./ops";
import { calendarViolations } from "./calendar-invariants";
import { clockOffsetMs } from "@/lib/clock";
import type { World } from "./world";

/** A broken invariant: its name and what shows it. */
export interface Violation {
  invariant: string;
  details: unknown;
}

interface PiEvent {
  data: { object: { id: string; status: string; metadata?: Record<string, string> } };
}

/** The emulator's succeeded PaymentIntents (from its event log: the admin API is never faulted). */
async function succeededPaymentIntents(world: World): Promise<Map<string, string | null>> {
  const r = (await emulatorAdmin(world, "GET", "events?type=payment_intent.succeeded")) as { data: PiEvent[] };
  return new Map(r.data.map((e) => [e.data.object.id, e.data.object.metadata?.attempt_id ?? null]));
}

/**
 * The invariants. Continuous (`final = false`, checked while faults and background work run) reads the
 * ledger before the emulator, so a credit seen always has its PaymentIntent's event. `final` (after the
 * quiesce) adds: every succeeded PaymentIntent of an attempt credited, no attempt open.
 */
export async function checkInvariants(world: World, log: ClientLog, final: boolean, deep = true): Promise<Violation[]> {
  const sql = world.check;
  const out: Violation[] = [];
  const add = (invariant: string, details: unknown) => out.push({ invariant, details });

  const mismatches = await ledgerMismatches(sql);
  if (mismatches.length) add("balance == sum(ledger entries) per org and pool", mismatches);
  const below = await sql`SELECT org_id, plan_credits, topup_credits, grace_credits, held_credits FROM credit_balances
    WHERE plan_credits < 0 OR topup_credits < -grace_credits OR held_credits < 0`;
  if (below.length) add("no balance below its bound (plan ≥ 0, top-up ≥ −grace)", below);

  const credits = await sql<{ key: string; n: number; attempt: string | null }[]>`
    SELECT e.idempotency_key AS key, count(*)::int AS n, min(a.id::text) AS attempt
    FROM ledger_entries e LEFT JOIN recharge_attempts a ON 'pi:' || a.payment_intent_id = e.idempotency_key
    WHERE e.kind IN ('auto_recharge', 'top_up') GROUP BY e.idempotency_key`;
  const pis = await succeededPaymentIntents(world);
  for (const c of credits) {
    if (c.n !== 1) add("a succeeded PaymentIntent credited exactly once", c);
    if (!pis.has(c.key.replace(/^pi:/, ""))) add("no recharge credit without a succeeded PaymentIntent", c);
  }
  const perAttempt = new Map<string, string[]>();
  for (const [pi, attempt] of pis) if (attempt) perAttempt.set(attempt, [...(perAttempt.get(attempt) ?? []), pi]);
  for (const [attempt, list] of perAttempt) if (list.length > 1) add("at most one PaymentIntent succeeded per attempt", { attempt, list });
  const charged = [...perAttempt.keys()];
  // the incident and the email stay when a later success is credited: a guess that was wrong shows for good
  const toldFailed = await sql`SELECT attempt_id, kind, dedupe_key FROM billing_incidents
    WHERE attempt_id = ANY(${charged}::uuid[]) AND dedupe_key LIKE 'attempt:%:failed'`;
  if (toldFailed.length) add("no 'recharge failed' incident for an attempt whose charge succeeded", toldFailed);
  const mailed = await sql`SELECT org_id, dedupe_key FROM outgoing_emails
    WHERE kind = 'recharge_failed' AND split_part(dedupe_key, ':', 2) = ANY(${charged}::text[])`;
  if (mailed.length) add("no 'recharge failed' email for an attempt whose charge succeeded", mailed);
  const failed =
    await sql`SELECT id, org_id, trigger, failure_code, last_error FROM recharge_attempts WHERE id = ANY(${charged}::uuid[]) AND status = 'failed'`;
  if (failed.length) add("no attempt 'failed' while its charge succeeded (before reconciliation finds it)", failed);
  if (final) {
    const credited = new Set(credits.map((c) => c.key));
    for (const [pi, attempt] of pis) if (attempt && !credited.has(`pi:${pi}`)) add("every succeeded PaymentIntent credited", { pi, attempt });
    const open = await sql`SELECT id, org_id, status, trigger, last_error FROM recharge_attempts WHERE status IN ('pending', 'processing')`;
    if (open.length) add("no attempt left open after the quiesce", open);
  }

  // the monthly cap and spending limit per calendar month; the plan changes' own rules
  out.push(...(await calendarViolations(world, final)));

  out.push(...(await checkUsage(world, log, deep || final)));
  return out;
}

/** Every 200 the client saw is in the ledger; nothing is debited that it did not send; usage entries add up. */
async function checkUsage(world: World, log: ClientLog, deep: boolean): Promise<Violation[]> {
  const sql = world.check;
  const out: Violation[] = [];
  const keys = log.newOk.splice(0);
  const usageKeys = keys.filter((k) => log.sent.get(k)?.kind === "usage");
  const rows = await sql<{ key: string; quantity: number; org_id: string }[]>`
    SELECT idempotency_key AS key, quantity, org_id FROM usage_events WHERE idempotency_key = ANY(${usageKeys})`;
  const found = new Map(rows.map((r) => [r.key, r]));
  for (const k of usageKeys) {
    const s = log.sent.get(k)!;
    const r = found.get(k);
    if (!r || r.quantity !== s.quantity || r.org_id !== world.orgs[s.org]!.id)
      out.push({ invariant: "every usage 200 the client saw is in the ledger", details: { key: k, sent: s, row: r ?? null, answers: log.answers.get(k) } });
  }
  const sums = await sql`
    SELECT b.org_id,
      (SELECT COALESCE(-sum(delta), 0)::bigint FROM ledger_entries e WHERE e.org_id = b.org_id AND e.kind = 'usage') AS debited,
      (SELECT COALESCE(sum(quantity), 0)::bigint FROM usage_events u WHERE u.org_id = b.org_id) +
      (SELECT COALESCE(sum(captured_quantity), 0)::bigint FROM credit_holds h WHERE h.org_id = b.org_id AND h.status = 'captured') AS reported
    FROM credit_balances b`;
  for (const s of sums) if (String(s.debited) !== String(s.reported)) out.push({ invariant: "usage debits == usage events + captured holds", details: s });
  if (!deep) return out;
  // the full scan (every row against what the client sent) only on deep checks: it reads every usage event
  const recorded = await sql<{ key: string; quantity: number }[]>`
    SELECT idempotency_key AS key, quantity FROM usage_events
    UNION ALL SELECT idempotency_key, quantity FROM credit_holds
    UNION ALL SELECT capture_idempotency_key, captured_quantity FROM credit_holds WHERE capture_idempotency_key IS NOT NULL`;
  for (const r of recorded) {
    const s = log.sent.get(r.key);
    const refused = s && !log.ok.has(r.key) && !log.unknown.has(r.key);
    if (!s || s.quantity !== r.quantity || refused)
      out.push({
        invariant: "nothing debited or held that the client did not send (or was told was refused)",
        details: { row: r, sent: s ?? null, answers: log.answers.get(r.key) ?? [] },
      });
  }
  return out;
}

/**
 * Usage answered 402 while the org had an auto-recharge in flight whose grace was due: created before the
 * request was sent, still open, the last settled payment succeeded on the current card, nothing failed since,
 * grace on — and the org's grace not held by it. Only facts unchanged since the attempt's creation count (no
 * other attempt, settings or card change since): the trigger decided on those. One look per org (its latest 402).
 * After a `monthEnd` the attempt's created_at is on the app clock, ahead of the wall clock that the client,
 * the settings' and the settled attempts' updated_at use: only attempts created since the clock last moved
 * are looked at, their creation taken back to the wall clock (`a_wall`).
 */
export async function checkRefusals(world: World, log: ClientLog): Promise<Violation[]> {
  const latest = new Map<number, { key: string; sentAt: number }>();
  for (const r of log.refused.splice(0)) if ((latest.get(r.org)?.sentAt ?? 0) < r.sentAt) latest.set(r.org, r);
  const out: Violation[] = [];
  for (const [org, r] of latest) {
    const o = world.orgs[org]!;
    if (o.cardBusy > 0) continue;
    const off = clockOffsetMs();
    const rows = await world.check`
      SELECT a.id, a.status, a.created_at, a.credits, b.topup_credits, b.grace_credits, b.grace_attempt_id FROM recharge_attempts a
      JOIN credit_balances b ON b.org_id = a.org_id
      JOIN stripe_customers c ON c.org_id = a.org_id
      JOIN auto_recharge_settings s ON s.org_id = a.org_id
      CROSS JOIN LATERAL (SELECT a.created_at - ${off}::float8 * interval '1 millisecond' AS a_wall) w
      WHERE a.org_id = ${o.id} AND a.trigger = 'auto' AND a.status IN ('pending', 'processing')
        AND a.created_at >= ${new Date(world.clockMovedAt)}
        AND w.a_wall < ${new Date(r.sentAt)} AND w.a_wall > ${new Date(o.cardChangedAt)}
        AND b.grace_attempt_id IS DISTINCT FROM a.id
        AND s.grace_enabled AND s.consecutive_failures = 0 AND s.updated_at < w.a_wall
        AND NOT EXISTS (SELECT 1 FROM recharge_attempts x WHERE x.org_id = a.org_id AND x.id <> a.id
          AND (x.updated_at >= w.a_wall OR x.created_at >= a.created_at))
        AND (SELECT l.status = 'succeeded' AND l.payment_method_id = c.default_payment_method_id FROM recharge_attempts l
          WHERE l.org_id = a.org_id AND l.id <> a.id AND l.status IN ('succeeded', 'failed', 'requires_action') ORDER BY l.updated_at DESC LIMIT 1)`;
    if (rows.length)
      out.push({
        invariant: "no 402 while an auto-recharge is in flight with grace due (card succeeded before, nothing failed since)",
        details: { org, key: r.key, sentAt: new Date(r.sentAt).toISOString(), answers: log.answers.get(r.key), attempt: rows[0] },
      });
  }
  return out;
}
