import { TZDate } from "@date-fns/tz";
import { addMonths } from "date-fns/addMonths";
import { format } from "date-fns/format";
import { startOfMonth } from "date-fns/startOfMonth";

export interface MonthWindow {
  /** first instant of the calendar month in the time zone */
  start: Date;
  /** first instant of the next month (exclusive end) */
  end: Date;
  /** "YYYY-MM" in the time zone */
  key: string;
}

/** The calendar month containing `now` in `timeZone` (IANA; invalid or empty → UTC). */
export function monthWindow(now: Date, timeZone: string): MonthWindow {
  const tz = isValidTimeZone(timeZone) ? timeZone : "UTC";
  const local = new TZDate(now.getTime(), tz);
  const start = startOfMonth(local);
  const end = addMonths(start, 1);
  return { start: new Date(start.getTime()), end: new Date(end.getTime()), key: format(local, "yyyy-MM") };
}

function isValidTimeZone(tz: string): boolean {
  if (!tz) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
