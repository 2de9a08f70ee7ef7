/**
 * Outgoing webhooks' delivery policy (issue #13), pure: when to retry a failed attempt, when an endpoint
 * that keeps failing is disabled, which endpoints an event goes to. Time is an argument (`now`), so tests
 * drive the 5-day schedule without waiting.
 */

/** Seconds to wait after failed attempt n (index n − 1); after the last one the delivery is `failed`. */
const RETRY_SCHEDULE_SECONDS = [5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600] as const;

/** One attempt's time limit: no answer by then is a failure. */
export const DELIVERY_TIMEOUT_MS = 15_000;

/** An endpoint whose attempts have all failed for this long is disabled (and its owners emailed). */
const DISABLE_AFTER_FAILING_MS = 5 * 24 * 3600_000;

/** How long the old secret still signs after a rotation. */
export const ROTATED_SECRET_VALID_MS = 24 * 3600_000;

/** The wildcard subscription. */
export const ALL_EVENTS = "*";

/** When attempt `attempt` (1-based) failed at `failedAt`: the next attempt's time, or null (give up). */
export function nextRetryAt(attempt: number, failedAt: Date): Date | null {
  const delay = RETRY_SCHEDULE_SECONDS[attempt - 1];
  return delay === undefined ? null : new Date(failedAt.getTime() + delay * 1000);
}

/** Whether an endpoint failing since `failingSince` (null: not failing) is to be disabled at `now`. */
export function shouldDisableEndpoint(failingSince: Date | null, now: Date): boolean {
  return failingSince !== null && now.getTime() - failingSince.getTime() >= DISABLE_AFTER_FAILING_MS;
}

/** Whether an endpoint subscribed to `events` (types or `["*"]`) receives `type`. */
export function isSubscribed(events: readonly string[], type: string): boolean {
  return events.includes(ALL_EVENTS) || events.includes(type);
}

/** 2xx is a success; anything else (3xx included: redirects are never followed) a failure. */
export function isDeliverySuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/** The secrets that sign at `now`: the current one, plus the previous one during its 24 h after a rotation. */
export function signingSecrets(e: { secret: string; previousSecret: string | null; previousSecretExpiresAt: Date | null }, now: Date): string[] {
  const previousValid = e.previousSecret !== null && e.previousSecretExpiresAt !== null && e.previousSecretExpiresAt.getTime() > now.getTime();
  return previousValid ? [e.secret, e.previousSecret!] : [e.secret];
}
