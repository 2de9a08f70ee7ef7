export interface DailyUsage {
  /** YYYY-MM-DD in the org time zone */
  day: string;
  credits: number;
}

/** Average credits per hour over the last 7 days of the 30-day series (0 when idle). */
function typicalHourlyUsage(days: DailyUsage[]): number {
  const last7 = days.slice(-7);
  const total = last7.reduce((s, d) => s + d.credits, 0);
  return total / (last7.length * 24);
}

/** Suggested threshold: one hour of typical usage, rounded up (at least 1). */
export function suggestedThreshold(days: DailyUsage[]): number {
  return Math.max(1, Math.ceil(typicalHourlyUsage(days)));
}

/** Days the balance lasts at the typical rate, or null when there is no recent usage. */
export function runwayDays(balance: number, days: DailyUsage[]): number | null {
  const perHour = typicalHourlyUsage(days);
  if (perHour <= 0) return null;
  return balance / (perHour * 24);
}
