import { TZDate } from "@date-fns/tz";
import { addDays } from "date-fns/addDays";
import { addMonths } from "date-fns/addMonths";
import { startOfDay } from "date-fns/startOfDay";
import { startOfISOWeek } from "date-fns/startOfISOWeek";
import { startOfMonth } from "date-fns/startOfMonth";

/**
 * Budgets per API key (pure): the period window a debit counts in, whether a debit would exceed the budget,
 * and which alert levels a debit crosses. Periods are calendar days, ISO weeks (Monday 00:00) or calendar
 * months in the budget's time zone (IANA; "UTC" or the org's), never "now minus n × 24 h": a DST day is one day.
 */

export const BUDGET_PERIODS = ["day", "week", "month"] as const;
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];

/** the largest budget accepted, credits */
export const MAX_BUDGET_CREDITS = 1_000_000_000_000;

/** alert levels, percent of the budget, each sent once per period */
const BUDGET_ALERT_LEVELS = [80, 100] as const;
export type BudgetAlertLevel = (typeof BUDGET_ALERT_LEVELS)[number];

export interface KeyBudget {
  /** credits per period, integer 1..10^12 */
  credits: number;
  period: BudgetPeriod;
  /** IANA time zone the period's boundaries are computed in */
  timeZone: string;
}

export interface BudgetWindow {
  /** first instant of the period (inclusive) */
  start: Date;
  /** first instant of the next period (exclusive): when the budget resets */
  end: Date;
}

/** The period of `period` containing `now`, in `timeZone` (invalid → UTC). */
export function budgetWindow(period: BudgetPeriod, timeZone: string, now: Date): BudgetWindow {
  const local = new TZDate(now.getTime(), isValidTimeZone(timeZone) ? timeZone : "UTC");
  const start = period === "day" ? startOfDay(local) : period === "week" ? startOfISOWeek(local) : startOfMonth(local);
  const end = period === "day" ? addDays(start, 1) : period === "week" ? addDays(start, 7) : addMonths(start, 1);
  return { start: new Date(start.getTime()), end: new Date(end.getTime()) };
}

export function isValidTimeZone(tz: string): boolean {
  if (!tz) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** True when debiting `quantity` on top of `used` would take the period's use above `credits`. */
export function wouldExceedBudget(used: number, quantity: number, credits: number): boolean {
  return used + quantity > credits;
}

/**
 * The alert levels reached by going from `usedBefore` to `usedAfter` of `credits` that were not sent yet
 * this period (`alreadySent`), lowest first. A level is reached at exactly its share (80 % of 1,000 = 800).
 */
export function budgetAlertsCrossed(usedBefore: number, usedAfter: number, credits: number, alreadySent: readonly BudgetAlertLevel[]): BudgetAlertLevel[] {
  return BUDGET_ALERT_LEVELS.filter((level) => {
    const at = Math.ceil((credits * level) / 100);
    return usedAfter >= at && !alreadySent.includes(level) && usedAfter > usedBefore;
  });
}

/** The highest level the period's use has reached (for the page's bar colour), or null below 80 %. */
export function budgetLevel(used: number, credits: number): BudgetAlertLevel | null {
  const reached = BUDGET_ALERT_LEVELS.filter((level) => used >= Math.ceil((credits * level) / 100));
  return reached.length ? reached[reached.length - 1]! : null;
}
