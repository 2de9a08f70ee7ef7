import { describe, expect, it } from "vitest";
import { budgetAlertsCrossed, budgetLevel, budgetWindow, wouldExceedBudget } from "./key-budget";
import { planDebits } from "./debit-plan";

const iso = (d: Date) => d.toISOString();

describe("budgetWindow", () => {
  it.each([
    // day, UTC and a zone ahead of UTC
    { period: "day", tz: "UTC", now: "2026-03-10T23:59:59Z", start: "2026-03-10T00:00:00.000Z", end: "2026-03-11T00:00:00.000Z" },
    { period: "day", tz: "Asia/Tokyo", now: "2026-03-10T15:00:00Z", start: "2026-03-10T15:00:00.000Z", end: "2026-03-11T15:00:00.000Z" },
    // a 23-hour DST day in New York is one day
    { period: "day", tz: "America/New_York", now: "2026-03-08T12:00:00Z", start: "2026-03-08T05:00:00.000Z", end: "2026-03-09T04:00:00.000Z" },
    // ISO weeks start on Monday
    { period: "week", tz: "UTC", now: "2026-03-15T12:00:00Z", start: "2026-03-09T00:00:00.000Z", end: "2026-03-16T00:00:00.000Z" },
    // month in UTC; in Tokyo the 1st begins at 15:00 UTC the day before; in Los Angeles 8 h after UTC's
    { period: "month", tz: "UTC", now: "2026-01-31T23:59:59Z", start: "2026-01-01T00:00:00.000Z", end: "2026-02-01T00:00:00.000Z" },
    { period: "month", tz: "Asia/Tokyo", now: "2026-01-31T14:59:59Z", start: "2025-12-31T15:00:00.000Z", end: "2026-01-31T15:00:00.000Z" },
    { period: "month", tz: "Asia/Tokyo", now: "2026-01-31T15:00:00Z", start: "2026-01-31T15:00:00.000Z", end: "2026-02-28T15:00:00.000Z" },
    { period: "month", tz: "America/Los_Angeles", now: "2026-02-01T07:59:59Z", start: "2026-01-01T08:00:00.000Z", end: "2026-02-01T08:00:00.000Z" },
    { period: "month", tz: "not/a-zone", now: "2026-02-01T07:59:59Z", start: "2026-02-01T00:00:00.000Z", end: "2026-03-01T00:00:00.000Z" },
  ] as const)("$period in $tz at $now", ({ period, tz, now, start, end }) => {
    const w = budgetWindow(period, tz, new Date(now));
    expect({ start: iso(w.start), end: iso(w.end) }).toEqual({ start, end });
  });
});

describe("wouldExceedBudget", () => {
  it.each([
    { used: 0, q: 10, credits: 10, want: false },
    { used: 9, q: 1, credits: 10, want: false },
    { used: 9, q: 2, credits: 10, want: true },
    { used: 10, q: 1, credits: 10, want: true },
    { used: 12, q: 1, credits: 10, want: true },
  ])("used $used + $q of $credits → $want", ({ used, q, credits, want }) => expect(wouldExceedBudget(used, q, credits)).toBe(want));
});

describe("budgetAlertsCrossed / budgetLevel", () => {
  it.each([
    { before: 0, after: 79, credits: 100, sent: [], want: [], level: null },
    { before: 0, after: 80, credits: 100, sent: [], want: [80], level: 80 },
    { before: 79, after: 100, credits: 100, sent: [], want: [80, 100], level: 100 },
    { before: 85, after: 90, credits: 100, sent: [80], want: [], level: 80 },
    { before: 90, after: 100, credits: 100, sent: [80], want: [100], level: 100 },
    { before: 100, after: 100, credits: 100, sent: [], want: [], level: 100 },
    // 80 % of 7 is 5.6: reached at 6
    { before: 0, after: 5, credits: 7, sent: [], want: [], level: null },
    { before: 5, after: 6, credits: 7, sent: [], want: [80], level: 80 },
  ] as const)("$before → $after of $credits (sent $sent)", ({ before, after, credits, sent, want, level }) => {
    expect(budgetAlertsCrossed(before, after, credits, sent)).toEqual(want);
    expect(budgetLevel(after, credits)).toBe(level);
  });
});

describe("planDebits with a budget", () => {
  const ids = () => {
    let n = 0;
    return () => `u${++n}`;
  };
  it("refuses a new request above what the budget has left (nothing debited), later smaller ones still fit; replays pass", () => {
    const prior = new Map([["k", { id: "old", quantity: 50, idempotencyKey: "k", planCreditsAfter: 100, topupCreditsAfter: 0 }]]);
    const plan = planDebits(
      { planCredits: 100, topupCredits: 0 },
      [{ quantity: 6 }, { quantity: 5 }, { quantity: 50, idempotencyKey: "k" }, { quantity: 4 }, { quantity: 1 }],
      prior,
      ids(),
      undefined,
      10,
    );
    expect(plan.outcomes.map((o) => (o.ok ? (o.replayed ? "replay" : "ok") : o.code))).toEqual(["ok", "budget_exceeded", "replay", "ok", "budget_exceeded"]);
    expect(plan.final).toEqual({ planCredits: 90, topupCredits: 0 });
  });
  it("an insufficient-credits refusal does not use the budget", () => {
    const plan = planDebits({ planCredits: 3, topupCredits: 0 }, [{ quantity: 5 }, { quantity: 3 }], new Map(), ids(), undefined, 5);
    expect(plan.outcomes.map((o) => (o.ok ? "ok" : o.code))).toEqual(["insufficient_credits", "ok"]);
  });
});
