import { describe, expect, it } from "vitest";
import { usageDays } from "./usage-days";

/** The day keys of a 30-day window, built by counting calendar days (the oracle). */
function calendarDays(lastDay: string, count: number): string[] {
  const out: string[] = [];
  const d = new Date(`${lastDay}T12:00:00Z`);
  for (let i = count - 1; i >= 0; i--) out.push(new Date(d.getTime() - i * 86_400_000).toISOString().slice(0, 10));
  return out;
}

describe("usageDays", () => {
  it.each([
    // [now (instant), zone, today there, first day's local midnight as an instant]
    // spring forward in New York: 2026-03-08 has 23 hours
    ["2026-03-09T04:30:00Z", "America/New_York", "2026-03-09", "2026-02-08T05:00:00Z"], // 00:30 EDT
    ["2026-03-09T03:59:00Z", "America/New_York", "2026-03-08", "2026-02-07T05:00:00Z"], // 23:59 EDT on the short day
    ["2026-03-20T12:00:00Z", "America/New_York", "2026-03-20", "2026-02-19T05:00:00Z"],
    // fall back in New York: 2026-11-01 has 25 hours
    ["2026-11-02T04:30:00Z", "America/New_York", "2026-11-01", "2026-10-03T04:00:00Z"], // 23:30 EST
    ["2026-11-02T05:30:00Z", "America/New_York", "2026-11-02", "2026-10-04T04:00:00Z"], // 00:30 EST
    ["2026-11-15T23:00:00Z", "America/New_York", "2026-11-15", "2026-10-17T04:00:00Z"],
    // Europe's changes (other dates), a zone without DST, UTC, and a half-hour zone near midnight
    ["2026-03-29T22:30:00Z", "Europe/Berlin", "2026-03-30", "2026-02-28T23:00:00Z"], // 00:30 CEST
    ["2026-10-25T22:30:00Z", "Europe/Berlin", "2026-10-25", "2026-09-25T22:00:00Z"], // 23:30 CET
    ["2026-06-01T10:00:00Z", "Asia/Tokyo", "2026-06-01", "2026-05-02T15:00:00Z"],
    ["2026-01-01T00:00:00Z", "UTC", "2026-01-01", "2025-12-03T00:00:00Z"],
    ["2026-11-01T18:40:00Z", "Asia/Kolkata", "2026-11-02", "2026-10-03T18:30:00Z"], // 00:10 IST
  ])("now %s in %s: 30 distinct days ending %s, since %s", (now, zone, today, since) => {
    const r = usageDays(new Date(now), zone);
    expect(r.days).toEqual(calendarDays(today, 30));
    expect(new Set(r.days).size).toBe(30);
    expect(r.since.toISOString()).toBe(new Date(since).toISOString());
  });

  it("contains 2026-03-08 once and 2026-11-01 once in America/New_York", () => {
    for (const now of ["2026-03-09T04:30:00Z", "2026-03-10T03:30:00Z", "2026-11-02T04:30:00Z", "2026-11-02T03:30:00Z"]) {
      const { days } = usageDays(new Date(now), "America/New_York");
      const target = now.startsWith("2026-03") ? "2026-03-08" : "2026-11-01";
      expect(days.filter((d) => d === target)).toHaveLength(1);
    }
  });

  it("a shorter window", () => {
    expect(usageDays(new Date("2026-03-09T04:30:00Z"), "America/New_York", 3).days).toEqual(["2026-03-07", "2026-03-08", "2026-03-09"]);
  });
});
