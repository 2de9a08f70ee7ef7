import type postgres from "postgres";
import type { Db } from "@/db/client";
import { createApiKey } from "@/lib/api-keys/manage-api-keys";
import { creditTopup } from "@/lib/ledger";
import { createOrganization } from "@/lib/orgs/create-organization";
import { createUser } from "@/lib/orgs/create-user";

export const BENCH_PASSWORD = "bench-password";

/** An org with a large top-up balance and a usage key, built with the domain functions. */
export async function makeLoadOrg(db: Db, slug: string, credits: number, members: { userId: string; role: "owner" }[] = []) {
  const org = await createOrganization(db, { name: slug, slug, plan: "starter", members });
  await creditTopup(db, { orgId: org.id, credits, kind: "adjustment", reference: "bench", idempotencyKey: "bench:start" });
  const key = await createApiKey(db, org.id, null, { name: "bench", scopes: ["usage:write"] });
  return { id: org.id, slug, key: key.secret };
}

export async function makeBenchOwner(db: Db) {
  return createUser(db, { email: "bench@refill.test", password: BENCH_PASSWORD });
}

/**
 * Grows an org's history to `entries` ledger entries and `attempts` recharge attempts with bulk SQL
 * (a fixture, not app code): +1 top-up entries whose sum is then written to the balance row, so
 * `balance == sum(entries)` still holds. Attempts are spread over the last 12 months.
 */
export async function growHistory(sql: postgres.Sql, orgId: string, entries: number, attempts: number): Promise<void> {
  const chunk = 200_000;
  for (let start = 0; start < entries; start += chunk) {
    const n = Math.min(chunk, entries - start);
    await sql`
      INSERT INTO ledger_entries (org_id, pool, delta, kind, reference, idempotency_key, balance_after, created_at)
      SELECT ${orgId}, 'topup', 1, 'adjustment', 'bench-history', 'bench-history:' || (${start}::int + g), ${start}::int + g,
             now() - make_interval(secs => (${entries}::int - ${start}::int - g) * 30)
      FROM generate_series(1, ${n}::int) g`;
  }
  await sql`
    UPDATE credit_balances b SET topup_credits = s.sum
    FROM (SELECT COALESCE(SUM(delta), 0)::int AS sum FROM ledger_entries WHERE org_id = ${orgId} AND pool = 'topup') s
    WHERE b.org_id = ${orgId}`;
  if (attempts > 0) {
    await sql`
      INSERT INTO recharge_attempts (org_id, trigger, status, packs, credits, amount_cents, currency, payment_intent_id, balance_before, threshold, created_at, updated_at, completed_at)
      SELECT ${orgId}, 'auto', 'succeeded', 1, 1000, 2000, 'usd', 'pi_bench_' || replace(${orgId}::text, '-', '') || '_' || g, 500, 1000,
             now() - make_interval(mins => g * 50), now() - make_interval(mins => g * 50), now() - make_interval(mins => g * 50)
      FROM generate_series(1, ${attempts}::int) g`;
  }
  await sql`ANALYZE ledger_entries`;
  await sql`ANALYZE recharge_attempts`;
}
