import { afterAll, beforeAll, expect, it } from "vitest";
import { dailyUsageLast30Days } from "@/lib/queries/billing-page";
import { makeOrg } from "../support/factories";
import { createTestDb, type TestDb } from "../support/test-db";

// The Billing page's usage chart (30 days in the org's time zone) over the hourly rollup, on real Postgres.
let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t?.drop();
});

async function hourly(orgId: string, rows: [hour: string, credits: number][]) {
  for (const [hour, credits] of rows) await t.sql`INSERT INTO usage_hourly (org_id, hour, credits, events) VALUES (${orgId}, ${hour}, ${credits}, 1)`;
}

it("New York on the 25-hour 2026-11-01: each day once, every hour of that day in it, the first day complete", async () => {
  const org = await makeOrg(t.db);
  await hourly(org.id, [
    ["2026-10-03T03:00:00Z", 1000], // 23:00 EDT on 10-02: before the window
    ["2026-10-03T04:00:00Z", 7], // 00:00 EDT on 10-03: the first day's first hour
    ["2026-11-01T04:00:00Z", 1], // 00:00 EDT
    ["2026-11-01T05:00:00Z", 2], // 01:00 EDT
    ["2026-11-01T06:00:00Z", 4], // 01:00 EST (the repeated hour)
    ["2026-11-02T04:00:00Z", 8], // 23:00 EST
  ]);
  const days = await dailyUsageLast30Days(t.db, org.id, "America/New_York", new Date("2026-11-02T04:30:00Z")); // 23:30 EST
  expect(days).toHaveLength(30);
  expect(new Set(days.map((d) => d.day)).size).toBe(30);
  expect(days[0]).toEqual({ day: "2026-10-03", credits: 7 });
  expect(days.at(-1)).toEqual({ day: "2026-11-01", credits: 15 });
  expect(days.reduce((s, d) => s + d.credits, 0)).toBe(22);
});

it("New York across the 23-hour 2026-03-08: the day is listed, with its usage", async () => {
  const org = await makeOrg(t.db);
  await hourly(org.id, [
    ["2026-03-08T06:00:00Z", 3], // 01:00 EST
    ["2026-03-08T07:00:00Z", 5], // 03:00 EDT (02:00 does not exist)
    ["2026-03-09T04:00:00Z", 9], // 00:00 EDT on 03-09
  ]);
  const days = await dailyUsageLast30Days(t.db, org.id, "America/New_York", new Date("2026-03-09T04:30:00Z")); // 00:30 EDT
  expect(days.map((d) => d.day)).toContain("2026-03-08");
  expect(days.slice(-3)).toEqual([
    { day: "2026-03-07", credits: 0 },
    { day: "2026-03-08", credits: 8 },
    { day: "2026-03-09", credits: 9 },
  ]);
});
