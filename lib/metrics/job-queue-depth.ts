import type { Gauge } from "prom-client";
import { getDbHandle } from "@/db/client";

/** Job states that count as queue depth: waiting (`created`, `retry`) or being worked (`active`). */
const STATES = ["created", "retry", "active"] as const;

/**
 * Sets `gauge` from `pgboss.job`: one sample per (queue, state) with jobs, every other sample reset to 0 by
 * `gauge.reset()`. Leaves the gauge empty when Postgres or the pg-boss schema is not there (a scrape must
 * not fail because the queue is not installed yet); one indexed aggregate, run only on scrape.
 */
export async function collectJobQueueDepth(gauge: Gauge<"queue" | "state">): Promise<void> {
  gauge.reset();
  let rows: { name: string; state: string; n: number }[];
  try {
    rows = await getDbHandle().sql<{ name: string; state: string; n: number }[]>`
      SELECT name, state::text AS state, count(*)::int AS n
      FROM pgboss.job WHERE state::text IN ${getDbHandle().sql(STATES)}
      GROUP BY name, state`;
  } catch {
    return;
  }
  for (const r of rows) gauge.set({ queue: r.name, state: r.state }, r.n);
}
