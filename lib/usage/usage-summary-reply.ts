import type { DbOrTx } from "@/db/client";
import type { ApiReply } from "@/lib/api/responses";
import { isMeterId, METERS } from "@/lib/billing/meters";
import { readUsageSummary, type UsageSummaryQuery } from "@/lib/queries/usage-summary";

/**
 * `GET /api/v1/usage/summary` → 200 `{ from, to, granularity, group_by, groups: [{ group, name, is_other, units,
 * credits, events }], buckets: [{ start, values: [{ group, units, credits, events }] }] }` — groups most credits
 * first (top 10 + "other"), buckets zero-filled from `from` (floored to the bucket) to `to`. By property, `units`
 * add up the units of whatever meters the events used.
 */
export async function usageSummaryReply(db: DbOrTx, orgId: string, q: UsageSummaryQuery): Promise<ApiReply> {
  const s = await readUsageSummary(db, orgId, q);
  const groupBy = q.groupBy.kind === "meter" ? "meter" : `property:${q.groupBy.key}`;
  return {
    status: 200,
    body: {
      from: (s.buckets[0]?.start ?? q.from).toISOString(),
      to: q.to.toISOString(),
      granularity: q.granularity,
      group_by: groupBy,
      groups: s.groups.map((g) => ({
        group: g.group,
        name: g.isOther ? "Other" : q.groupBy.kind === "meter" && isMeterId(g.group) ? METERS[g.group].name : g.group,
        is_other: g.isOther,
        units: g.units,
        credits: g.credits,
        events: g.events,
      })),
      buckets: s.buckets.map((b) => ({ start: b.start.toISOString(), values: b.values.map((v, i) => ({ group: s.groups[i]!.group, ...v })) })),
    },
  };
}
