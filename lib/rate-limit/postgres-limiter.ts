import type postgres from "postgres";
import { RateLimiterPostgres, type RateLimiterRes } from "rate-limiter-flexible";

/**
 * rate-limiter-flexible's RateLimiterPostgres on our own Postgres (table `rate_limits`, migration 0011),
 * so a limit holds across every process of the app. The library speaks node-postgres' `query({ text,
 * values })`; `pgQueryAdapter` gives it that over the app's postgres.js pool.
 */
interface LimiterOptions {
  /** namespace of the keys, e.g. "signin-account" */
  keyPrefix: string;
  /** allowed points per window */
  points: number;
  /** window, seconds */
  duration: number;
  /** once over the limit, refuse for this many seconds (default: the rest of the window) */
  blockDuration?: number;
}

function pgQueryAdapter(sql: postgres.Sql) {
  return {
    query: async (q: { text: string; values?: unknown[] }) => {
      const rows = await sql.unsafe(q.text, (q.values ?? []) as postgres.ParameterOrJSON<never>[]);
      // bigint `expire` arrives as a string from postgres.js; the library does arithmetic on it
      return { rows: rows.map((r) => (typeof r.expire === "string" ? { ...r, expire: Number(r.expire) } : r)), rowCount: rows.count ?? rows.length };
    },
  };
}

export function postgresLimiter(sql: postgres.Sql, o: LimiterOptions): RateLimiterPostgres {
  return new RateLimiterPostgres({
    storeClient: pgQueryAdapter(sql),
    storeType: "client",
    tableName: "rate_limits",
    tableCreated: true,
    keyPrefix: o.keyPrefix,
    points: o.points,
    duration: o.duration,
    blockDuration: o.blockDuration ?? 0,
  });
}

/** Whole seconds until a refused key may try again (at least 1): the `Retry-After` value. */
export function retryAfterSeconds(res: Pick<RateLimiterRes, "msBeforeNext">): number {
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
}

/**
 * Consumes one point of `key`. `null` when allowed; the seconds to wait when refused. A rejection that is
 * not a RateLimiterRes (the store failed) is rethrown: callers decide whether to fail open or closed.
 */
export async function consumeOrRetryAfter(limiter: { consume(key: string, points?: number): Promise<RateLimiterRes> }, key: string): Promise<number | null> {
  try {
    await limiter.consume(key, 1);
    return null;
  } catch (err) {
    if (err && typeof err === "object" && "msBeforeNext" in err) return retryAfterSeconds(err as RateLimiterRes);
    throw err;
  }
}
