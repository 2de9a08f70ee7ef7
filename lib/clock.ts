/**
 * The app's clock for the calendar decisions of billing: which month the monthly recharge cap and the
 * spending limit count (lib/recharge/facts.ts, trigger.ts), the `created_at` they count by
 * (lib/recharge/attempts.ts), the Free plan's period and the agencies' allocation month.
 *
 * `appNow()` is the wall clock plus an offset in milliseconds. The offset is 0 in production and can only
 * be moved by tests and the fault simulation (`setClockOffsetMs`, refused when NODE_ENV is "production"),
 * to cross a month boundary without waiting for one. It is kept on `globalThis`, so every copy of this
 * module in one process (Next.js bundles, tsx-loaded modules) reads the same clock. Other processes do not
 * see it. Timestamps written by the database (`now()`) or by `new Date()` elsewhere are not moved.
 */
const g = globalThis as unknown as { refillClockOffsetMs?: number };

/** Now, as the app decides calendar months: `Date.now()` + the test offset (ms, 0 in production). */
export function appNow(): Date {
  return new Date(Date.now() + (g.refillClockOffsetMs ?? 0));
}

/** The test offset of `appNow()` from the wall clock, in milliseconds (0 unless a test moved it). */
export function clockOffsetMs(): number {
  return g.refillClockOffsetMs ?? 0;
}

/**
 * Tests and the simulation only: `appNow()` runs `ms` milliseconds ahead of the wall clock (negative:
 * behind) from now on, in this process; 0 restores the real clock. Throws when NODE_ENV is "production".
 */
export function setClockOffsetMs(ms: number): void {
  if (process.env.NODE_ENV === "production") throw new Error("the app clock cannot be moved in production");
  if (!Number.isFinite(ms)) throw new Error(`clock offset must be a finite number of ms, got ${ms}`);
  g.refillClockOffsetMs = Math.trunc(ms);
}
