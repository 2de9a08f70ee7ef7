import { describe, expect, it } from "vitest";
import { bucketCount, bucketStart, summarizeUsage, type RollupRow } from "./usage-summary";

const at = (s: string) => new Date(s);
const row = (bucket: string, group: string, credits: number, units = credits, events = 1): RollupRow => ({ bucket: at(bucket), group, units, credits, events });

describe("bucketStart / bucketCount", () => {
  it.each([
    ["2026-12-04T12:34:56Z", "hour", "2026-12-04T12:00:00.000Z"],
    ["2026-12-04T12:34:56Z", "day", "2026-12-04T00:00:00.000Z"],
    ["2026-12-04T00:00:00Z", "day", "2026-12-04T00:00:00.000Z"],
  ] as const)("%s by %s → %s", (t, g, start) => {
    expect(bucketStart(at(t), g).toISOString()).toBe(start);
  });
  it.each([
    ["2026-12-04T00:00:00Z", "2026-12-05T00:00:00Z", "hour", 24],
    ["2026-12-04T00:30:00Z", "2026-12-04T02:00:00Z", "hour", 2],
    ["2026-12-01T00:00:00Z", "2026-12-04T12:00:00Z", "day", 4],
    ["2026-12-04T00:00:00Z", "2026-12-04T00:00:00Z", "day", 0],
  ] as const)("[%s, %s) by %s → %i buckets", (from, to, g, n) => {
    expect(bucketCount(at(from), at(to), g)).toBe(n);
  });
});

describe("summarizeUsage", () => {
  const opts = { from: at("2026-12-04T00:00:00Z"), to: at("2026-12-04T03:00:00Z"), granularity: "hour" as const, topN: 2 };

  it("keeps the top N groups by credits and folds the rest into other, totals exact", () => {
    const s = summarizeUsage(
      [
        row("2026-12-04T00:00:00Z", "a", 5),
        row("2026-12-04T01:00:00Z", "b", 30),
        row("2026-12-04T02:00:00Z", "c", 7),
        row("2026-12-04T02:00:00Z", "a", 5),
        row("2026-12-04T00:00:00Z", "d", 1),
      ],
      opts,
    );
    expect(s.groups.map((g) => [g.group, g.credits, g.isOther])).toEqual([
      ["b", 30, false],
      ["a", 10, false],
      ["other", 8, true],
    ]);
    expect(s.buckets.map((b) => b.values.map((v) => v.credits))).toEqual([
      [0, 5, 1],
      [30, 0, 0],
      [0, 5, 7],
    ]);
    const total = s.groups.reduce((n, g) => n + g.credits, 0);
    expect(total).toBe(48);
  });

  it("breaks ties by name, adds no other when nothing is folded, zero-fills empty buckets", () => {
    const s = summarizeUsage([row("2026-12-04T01:00:00Z", "y", 3), row("2026-12-04T01:00:00Z", "x", 3)], opts);
    expect(s.groups.map((g) => g.group)).toEqual(["x", "y"]);
    expect(s.buckets).toHaveLength(3);
    expect(s.buckets[0]!.values).toEqual([
      { units: 0, credits: 0, events: 0 },
      { units: 0, credits: 0, events: 0 },
    ]);
  });

  it("sums hours into days", () => {
    const s = summarizeUsage([row("2026-12-04T01:00:00Z", "m", 2, 1), row("2026-12-04T23:00:00Z", "m", 4, 2)], {
      ...opts,
      to: at("2026-12-05T00:00:00Z"),
      granularity: "day",
    });
    expect(s.buckets).toEqual([{ start: at("2026-12-04T00:00:00Z"), values: [{ units: 3, credits: 6, events: 2 }] }]);
  });
});
