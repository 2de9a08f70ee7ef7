import { z } from "zod";
import type { UsageGroupBy, UsageSummaryQuery } from "@/lib/queries/usage-summary";

/** The longest window per granularity: 31 days of hours (744 buckets), 366 days of days. */
const MAX_SUMMARY_DAYS = { hour: 31, day: 366 } as const;
const DAY_MS = 86_400_000;
const DATE_MESSAGE = (f: string) => `${f} must be an ISO 8601 date-time, e.g. 2026-12-01T00:00:00Z.`;
const date = (f: string) =>
  z
    .string()
    .refine((s) => z.iso.datetime({ offset: true }).safeParse(s).success, DATE_MESSAGE(f))
    .transform((s) => new Date(s))
    .optional();

/**
 * Query of `GET /api/v1/usage/summary`: `from`, `to` (ISO 8601; default the last 30 days up to now),
 * `group_by` = `meter` (default) | `property:<key>`, `granularity` = `day` (default) | `hour`.
 * 422 for a bad value, `from` ≥ `to`, or a window over 31 days by hour / 366 days by day.
 */
export const usageSummaryQuerySchema = z
  .object({
    from: date("from"),
    to: date("to"),
    group_by: z
      .string()
      .regex(/^(meter|property:[^\s]{1,40})$/, "group_by must be meter or property:<key> (a key of at most 40 characters).")
      .default("meter"),
    granularity: z.enum(["hour", "day"], { error: "granularity must be hour or day." }).default("day"),
  })
  .transform((q, ctx): UsageSummaryQuery => {
    const to = q.to ?? new Date();
    const from = q.from ?? new Date(to.getTime() - 30 * DAY_MS);
    if (from.getTime() >= to.getTime()) ctx.addIssue({ code: "custom", path: ["from"], message: "from must be before to." });
    else if (to.getTime() - from.getTime() > MAX_SUMMARY_DAYS[q.granularity] * DAY_MS)
      ctx.addIssue({
        code: "custom",
        path: ["to"],
        message: `The window may span at most ${MAX_SUMMARY_DAYS[q.granularity]} days at granularity ${q.granularity}.`,
      });
    const groupBy: UsageGroupBy = q.group_by === "meter" ? { kind: "meter" } : { kind: "property", key: q.group_by.slice("property:".length) };
    return { from, to, granularity: q.granularity, groupBy };
  });
