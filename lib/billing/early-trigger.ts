/**
 * Rate-aware auto-recharge (pure). A threshold is a number of credits; what protects usage is TIME: the
 * recharge must land before the balance runs out. At 700 credits/s a 100-credit threshold lasts 0.14 s,
 * shorter than a recharge takes, so the trigger recharges early when the runway (available ÷ burn rate) is
 * shorter than the recharge's measured p95 × a safety factor. The owner's threshold stays the floor:
 * below it a recharge is always due, as before.
 *
 * Units: credits (integers), rates in credits per second, latencies in milliseconds.
 */

/** Recharge latency assumed until this process has measured one (crossing → credits landed). */
export const DEFAULT_RECHARGE_P95_MS = 1000;
/** Recharge early when the runway is shorter than this many recharge p95s. */
const EARLY_SAFETY_FACTOR = 3;

/** Nearest-rank percentile of `values` (p in 0..100), or null when empty. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export interface BurnSignal {
  /** credits per second over the last few seconds (≥ 0) */
  ratePerSecond: number;
  /** p95 of crossing → credits landed, ms (DEFAULT_RECHARGE_P95_MS until measured) */
  rechargeP95Ms: number;
  safetyFactor?: number;
}

/** Seconds the `available` credits last at `ratePerSecond` (Infinity when idle; 0 when nothing is left). */
export function runwaySeconds(available: number, ratePerSecond: number): number {
  if (available <= 0) return 0;
  if (ratePerSecond <= 0) return Infinity;
  return available / ratePerSecond;
}

/** Seconds of runway a recharge needs: p95 × safety factor. */
function leadSeconds(s: BurnSignal): number {
  return (s.rechargeP95Ms / 1000) * (s.safetyFactor ?? EARLY_SAFETY_FACTOR);
}

export type RechargeTiming =
  | { due: true; early: false } // below the owner's threshold (the floor)
  | { due: true; early: true; runwaySeconds: number; leadSeconds: number } // above it, but the runway is too short
  | { due: false };

/**
 * Whether a recharge is due for `available` credits: below `threshold` always (the floor); above it when
 * the runway at the burn rate is shorter than the recharge needs (`signal`, optional).
 */
export function rechargeTiming(available: number, threshold: number, signal?: BurnSignal | null): RechargeTiming {
  if (available < threshold) return { due: true, early: false };
  if (!signal || signal.ratePerSecond <= 0) return { due: false };
  const runway = runwaySeconds(available, signal.ratePerSecond);
  const lead = leadSeconds(signal);
  return runway < lead ? { due: true, early: true, runwaySeconds: runway, leadSeconds: lead } : { due: false };
}

const fmtInt = (n: number) => Math.round(n).toLocaleString("en-US");

/** Seconds for people: "0.14 s", "2.5 s", "40 s", "3 min". */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return "indefinitely";
  if (s < 1) return `${(Math.round(s * 100) / 100).toFixed(2)} s`;
  if (s < 10) return `${Math.round(s * 10) / 10} s`;
  if (s < 120) return `${Math.round(s)} s`;
  return `${Math.round(s / 60)} min`;
}

/**
 * The status line: "Recharging early: at 700 credits/s your 100-credit threshold lasts 0.14 s." when the
 * threshold's runway is shorter than a recharge needs; null when the rate is idle or the threshold is ample.
 */
export function earlyRechargeMessage(p: { threshold: number } & BurnSignal): string | null {
  if (p.ratePerSecond <= 0) return null;
  const lasts = runwaySeconds(p.threshold, p.ratePerSecond);
  if (lasts >= leadSeconds(p)) return null;
  return `Recharging early: at ${fmtInt(p.ratePerSecond)} credits/s your ${fmtInt(p.threshold)}-credit threshold lasts ${formatSeconds(lasts)}.`;
}

/**
 * Suggested threshold, credits: enough for the PEAK burn rate to last while a recharge lands, with the
 * safety factor — ceil(peak × p95 × safety). Without a measured peak, falls back to one hour at the
 * typical rate (`typicalHourly`). At least 1.
 */
export function suggestThreshold(p: { peakRatePerSecond: number | null; rechargeP95Ms: number; safetyFactor?: number; typicalHourly: number }): {
  credits: number;
  basis: "peak_rate" | "typical_hour";
} {
  if (p.peakRatePerSecond && p.peakRatePerSecond > 0) {
    const credits = Math.ceil(
      p.peakRatePerSecond * leadSeconds({ ratePerSecond: p.peakRatePerSecond, rechargeP95Ms: p.rechargeP95Ms, safetyFactor: p.safetyFactor }),
    );
    return { credits: Math.max(1, credits), basis: "peak_rate" };
  }
  return { credits: Math.max(1, Math.ceil(p.typicalHourly)), basis: "typical_hour" };
}

/** The words beside the suggestion. */
export function suggestionReason(p: {
  basis: "peak_rate" | "typical_hour";
  peakRatePerSecond: number | null;
  rechargeP95Ms: number;
  safetyFactor?: number;
}): string {
  if (p.basis === "typical_hour" || !p.peakRatePerSecond) return "about one hour of your typical usage";
  const secs = leadSeconds({ ratePerSecond: p.peakRatePerSecond, rechargeP95Ms: p.rechargeP95Ms, safetyFactor: p.safetyFactor });
  return `your peak of ${fmtInt(p.peakRatePerSecond)} credits/s for ${formatSeconds(secs)}, ${p.safetyFactor ?? EARLY_SAFETY_FACTOR}× the time a recharge takes`;
}

export interface EarlyRechargeView {
  /** true while the burn rate moves the trigger point above the owner's threshold */
  active: boolean;
  /** "Recharging early: at 700 credits/s your 100-credit threshold lasts 0.14 s." or null */
  message: string | null;
}

/**
 * What the status, the API and the page say about the rate-aware trigger, from the facts: only when
 * auto-recharge would fire (`autoRechargeActive`, i.e. status active or recharging) and the threshold's
 * runway at the current rate is shorter than a recharge needs.
 */
export function earlyRechargeView(p: { autoRechargeActive: boolean; threshold: number } & BurnSignal): EarlyRechargeView {
  const message = p.autoRechargeActive ? earlyRechargeMessage(p) : null;
  return { active: message !== null, message };
}
