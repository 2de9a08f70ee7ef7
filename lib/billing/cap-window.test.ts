import { describe, expect, it } from "vitest";
import { monthWindow } from "./cap-window";

describe("monthWindow", () => {
  it.each([
    ["2026-01-31T23:59:59.999Z", "UTC", "2026-01-01T00:00:00.000Z", "2026-02-01T00:00:00.000Z", "2026-01"],
    ["2026-02-01T00:00:00.000Z", "UTC", "2026-02-01T00:00:00.000Z", "2026-03-01T00:00:00.000Z", "2026-02"],
    // 2026-02-01 03:00 UTC is still January 31 in New York (UTC-5)
    ["2026-02-01T03:00:00.000Z", "America/New_York", "2026-01-01T05:00:00.000Z", "2026-02-01T05:00:00.000Z", "2026-01"],
    ["2026-01-31T23:30:00.000Z", "Europe/Paris", "2026-01-31T23:00:00.000Z", "2026-02-28T23:00:00.000Z", "2026-02"],
    ["2026-12-31T23:59:59.000Z", "UTC", "2026-12-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z", "2026-12"],
    ["2026-06-15T12:00:00.000Z", "Not/AZone", "2026-06-01T00:00:00.000Z", "2026-07-01T00:00:00.000Z", "2026-06"],
  ])("%s in %s", (now, tz, start, end, key) => {
    const w = monthWindow(new Date(now), tz);
    expect({ start: w.start.toISOString(), end: w.end.toISOString(), key: w.key }).toEqual({ start, end, key });
  });
});
