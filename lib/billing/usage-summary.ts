/**
 * Usage summaries (issue #15), pure: rollup rows (per bucket and group) → totals per group, the top N groups
 * by credits kept and the rest folded into one "other" group, and a zero-filled series of buckets.
 * No DB. Credits and units are integers; sums stay integers.
 */

export type Granularity = "hour" | "day";

export interface RollupRow {
  /** the bucket's start (UTC hour or UTC day) */
  bucket: Date;
  /** the meter id or the property value */
  group: string;
  units: number;
  credits: number;
  events: number;
}

interface UsageFigures {
  units: number;
  credits: number;
  events: number;
}

interface SummaryGroup extends UsageFigures {
  /** the meter id or property value; for the "other" group, "other" */
  group: string;
  /** true for the one group that folds every group beyond the top N */
  isOther: boolean;
}

export interface UsageSummary {
  /** the kept groups, most credits first (ties by name), then "other" if any group was folded */
  groups: SummaryGroup[];
  /** every bucket from `from` (floored) up to `to`, each with one value per group of `groups`, in that order */
  buckets: { start: Date; values: UsageFigures[] }[];
}

const STEP_MS: Record<Granularity, number> = { hour: 3_600_000, day: 86_400_000 };

/** The start of the UTC hour or day that holds `at`. */
export function bucketStart(at: Date, granularity: Granularity): Date {
  const step = STEP_MS[granularity];
  return new Date(Math.floor(at.getTime() / step) * step);
}

/** How many buckets `[from, to)` spans at `granularity`. */
export function bucketCount(from: Date, to: Date, granularity: Granularity): number {
  const start = bucketStart(from, granularity).getTime();
  return Math.max(0, Math.ceil((to.getTime() - start) / STEP_MS[granularity]));
}

const zero = (): UsageFigures => ({ units: 0, credits: 0, events: 0 });
function add(into: UsageFigures, r: UsageFigures): void {
  into.units += r.units;
  into.credits += r.credits;
  into.events += r.events;
}

/** Summarizes `rows` over `[from, to)`: top `topN` groups by credits + "other", zero-filled buckets. */
export function summarizeUsage(rows: readonly RollupRow[], opts: { from: Date; to: Date; granularity: Granularity; topN: number }): UsageSummary {
  const totals = new Map<string, UsageFigures>();
  for (const r of rows) {
    const t = totals.get(r.group) ?? zero();
    add(t, r);
    totals.set(r.group, t);
  }
  const ranked = [...totals.entries()].sort((a, b) => b[1].credits - a[1].credits || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const kept = ranked.slice(0, opts.topN);
  const folded = ranked.slice(opts.topN);
  const groups: SummaryGroup[] = kept.map(([group, f]) => ({ group, isOther: false, ...f }));
  if (folded.length > 0) {
    const other = zero();
    for (const [, f] of folded) add(other, f);
    groups.push({ group: "other", isOther: true, ...other });
  }
  const index = new Map(kept.map(([g], i) => [g, i]));
  const otherIndex = folded.length > 0 ? groups.length - 1 : -1;
  const step = STEP_MS[opts.granularity];
  const first = bucketStart(opts.from, opts.granularity).getTime();
  const n = bucketCount(opts.from, opts.to, opts.granularity);
  const buckets = Array.from({ length: n }, (_, i) => ({ start: new Date(first + i * step), values: groups.map(zero) }));
  for (const r of rows) {
    const b = Math.floor((bucketStart(r.bucket, opts.granularity).getTime() - first) / step);
    const g = index.get(r.group) ?? otherIndex;
    if (b >= 0 && b < n && g >= 0) add(buckets[b]!.values[g]!, r);
  }
  return { groups, buckets };
}
