import { describe, expect, it } from "vitest";
import { currentFreePeriod } from "./free-period";

const d = (s: string) => new Date(s);

describe("currentFreePeriod", () => {
  it.each([
    { name: "no previous period: starts now", now: "2026-11-21T10:00:00Z", prev: null, start: "2026-11-21T10:00:00Z", end: "2026-12-21T10:00:00Z" },
    {
      name: "just ended: the next month",
      now: "2026-11-21T10:00:00Z",
      prev: "2026-11-21T09:00:00Z",
      start: "2026-11-21T09:00:00Z",
      end: "2026-12-21T09:00:00Z",
    },
    {
      name: "three months missed: only the current one",
      now: "2027-02-25T00:00:00Z",
      prev: "2026-11-21T09:00:00Z",
      start: "2027-02-21T09:00:00Z",
      end: "2027-03-21T09:00:00Z",
    },
    {
      name: "anchored on the 31st: February is clamped",
      now: "2027-02-10T00:00:00Z",
      prev: "2027-01-31T12:00:00Z",
      start: "2027-01-31T12:00:00Z",
      end: "2027-02-28T12:00:00Z",
    },
    {
      name: "anchored on the 31st: March is the 31st again",
      now: "2027-03-05T00:00:00Z",
      prev: "2027-01-31T12:00:00Z",
      start: "2027-02-28T12:00:00Z",
      end: "2027-03-31T12:00:00Z",
    },
    {
      name: "a period still running is left alone (starts now only if asked)",
      now: "2026-11-21T10:00:00Z",
      prev: "2026-12-01T00:00:00Z",
      start: "2026-11-21T10:00:00Z",
      end: "2026-12-21T10:00:00Z",
    },
  ])("$name", ({ now, prev, start, end }) => {
    const p = currentFreePeriod(d(now), prev ? d(prev) : null);
    expect(p.start.toISOString()).toBe(d(start).toISOString());
    expect(p.end.toISOString()).toBe(d(end).toISOString());
  });
});
