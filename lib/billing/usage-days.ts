import { tz } from "@date-fns/tz";
import { eachDayOfInterval } from "date-fns/eachDayOfInterval";
import { format } from "date-fns/format";
import { startOfDay } from "date-fns/startOfDay";
import { subDays } from "date-fns/subDays";

/**
 * The calendar days of a usage chart ending today, in the org's IANA time zone, oldest first: `count` keys
 * `YYYY-MM-DD`, each day exactly once — also across daylight-saving changes (a 23- or 25-hour day is one
 * day, which stepping back 24 hours at a time gets wrong). `since` is the first day's local midnight (an
 * instant): the query bound that makes the first day complete. Pure; `now` is an instant.
 */
export function usageDays(now: Date, timeZone: string, count = 30): { days: string[]; since: Date } {
  const inZone = { in: tz(timeZone) };
  const today = startOfDay(now, inZone);
  const first = subDays(today, count - 1, inZone);
  const days = eachDayOfInterval({ start: first, end: today }, inZone).map((d) => format(d, "yyyy-MM-dd", inZone));
  return { days, since: new Date(first.getTime()) };
}
