import { createHash } from "node:crypto";
import type postgres from "postgres";
import type { RateLimiterPostgres } from "rate-limiter-flexible";
import { postgresLimiter, retryAfterSeconds } from "@/lib/rate-limit/postgres-limiter";

/**
 * Sign-in throttling on Postgres (holds across processes): failed attempts are counted per account
 * (the email as typed, existing or not) and per client IP within a window; over either limit, sign-in
 * is refused until the window ends, even with the right password. A successful sign-in clears the
 * account's count. Keys are SHA-256 digests (fixed length, no user text in the table).
 */
interface SignInLimits {
  perAccount: number;
  perIp: number;
  /** window and lock-out, seconds */
  windowSeconds: number;
}

type ThrottleVerdict = { ok: true } | { ok: false; retryAfterSeconds: number };

export interface SignInThrottle {
  /** Refused when the account or the IP has used up its failures. Reads only. */
  check(email: string, ip: string | null): Promise<ThrottleVerdict>;
  /** Counts one failure against both. */
  fail(email: string, ip: string | null): Promise<void>;
  /** Clears the account's failures (the IP's stay: it may be trying many accounts). */
  succeed(email: string): Promise<void>;
}

const digest = (s: string) => createHash("sha256").update(s).digest("hex");
const accountKey = (email: string) => digest(email.trim().toLowerCase());
const ipKey = (ip: string | null) => digest(ip ?? "unknown");

export function createSignInThrottle(sql: postgres.Sql, limits: SignInLimits): SignInThrottle {
  const window = limits.windowSeconds;
  const account = postgresLimiter(sql, { keyPrefix: "signin-account", points: limits.perAccount, duration: window, blockDuration: window });
  const byIp = postgresLimiter(sql, { keyPrefix: "signin-ip", points: limits.perIp, duration: window, blockDuration: window });
  const exhausted = async (limiter: RateLimiterPostgres, key: string, points: number) => {
    const res = await limiter.get(key);
    return res && res.consumedPoints >= points ? retryAfterSeconds(res) : null;
  };
  return {
    async check(email, ip) {
      const [a, i] = await Promise.all([exhausted(account, accountKey(email), limits.perAccount), exhausted(byIp, ipKey(ip), limits.perIp)]);
      const wait = Math.max(a ?? 0, i ?? 0);
      return wait > 0 ? { ok: false, retryAfterSeconds: wait } : { ok: true };
    },
    async fail(email, ip) {
      // consume() rejects with a RateLimiterRes once over the limit: the failure is counted either way
      await Promise.all([account.consume(accountKey(email)).catch(swallowLimit), byIp.consume(ipKey(ip)).catch(swallowLimit)]);
    },
    async succeed(email) {
      await account.delete(accountKey(email));
    },
  };
}

function swallowLimit(err: unknown): void {
  if (err && typeof err === "object" && "msBeforeNext" in err) return;
  throw err;
}

/** The client IP as our own server saw it: the last `X-Forwarded-For` hop (the one the nearest proxy, or Next.js, appended). */
export function clientIp(headers: Pick<Headers, "get">): string | null {
  const xff = headers.get("x-forwarded-for");
  if (xff) {
    const last = xff
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean)
      .pop();
    if (last) return last.slice(0, 64);
  }
  return headers.get("x-real-ip")?.slice(0, 64) ?? null;
}

/** "Too many sign-in attempts…" with the wait in minutes. */
export function throttledMessage(retryAfter: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfter / 60));
  return `Too many sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}
