import { TZDate } from "@date-fns/tz";
import { addMonths } from "date-fns/addMonths";

/**
 * The Free plan's monthly credit periods (pure). Free has no Stripe subscription, so no `invoice.paid`
 * starts its periods: they run month by month from an anchor — the end of the org's last period.
 *
 * `now`: the current time; `previousEnd`: when the org's last period ended (`plan_resets_at`), or null to
 * start a cycle now. Returns the period that contains `now`: `start` ≤ now < `end`, `end` one calendar month
 * after `start`. Whole months missed (a stopped server) are skipped: one period, one grant, never a backlog.
 * Months are counted from the anchor (Jan 31 → Feb 28 → Mar 31), so short months don't drift the cycle.
 */
export function currentFreePeriod(now: Date, previousEnd: Date | null): { start: Date; end: Date } {
  const anchor = new TZDate(previousEnd && previousEnd <= now ? previousEnd : now, "UTC"); // calendar months in UTC
  const at = (months: number) => new Date(addMonths(anchor, months).getTime());
  let months = 0;
  while (at(months + 1) <= now) months++;
  return { start: at(months), end: at(months + 1) };
}
