/** After a declined auto-recharge the next automatic try waits this long (unless the card changes or the owner presses Retry). */
const DECLINE_BACKOFF_MS = 3600_000;

/** When auto-recharge may try again after a decline at `at` (pure). */
export function nextRetryAt(at: Date, backoffMs = DECLINE_BACKOFF_MS): Date {
  return new Date(at.getTime() + backoffMs);
}

/** Whether a back-off still holds auto-recharge at `now` (null: none). */
export function isBackingOff(retryNotBefore: Date | null, now: Date): boolean {
  return retryNotBefore !== null && now.getTime() < retryNotBefore.getTime();
}
