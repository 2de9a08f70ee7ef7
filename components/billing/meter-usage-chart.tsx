"use client";

import { Bar } from "recharts";
import { CreditsBarChart } from "./credits-bar-chart";

const COLORS = ["#1f5ad6", "#0f9d76", "#c2410c", "#7c3aed", "#be185d", "#0e7490", "#a16207", "#4d7c0f", "#334155", "#9f1239", "#64748b"];

export interface MeterSeries {
  key: string;
  name: string;
}

/** Credits per day stacked by meter (recharts). The tables beside it carry the same numbers for screen readers. */
export function MeterUsageChart({ data, series }: { data: Array<Record<string, number | string>>; series: MeterSeries[] }) {
  return (
    <CreditsBarChart data={data} className="h-56 w-full" testId="meter-usage-chart" legend>
      {series.map((s, i) => (
        <Bar key={s.key} dataKey={s.key} name={s.name} stackId="meters" fill={COLORS[i % COLORS.length]} isAnimationActive={false} />
      ))}
    </CreditsBarChart>
  );
}
