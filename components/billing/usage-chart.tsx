"use client";

import { Bar } from "recharts";
import { CreditsBarChart } from "./credits-bar-chart";
import type { DailyUsage } from "./usage-math";

function shortDay(day: string): string {
  const [, m, d] = day.split("-");
  return `${Number(m)}/${Number(d)}`;
}

/** Credits used per day, last 30 days (recharts). The table next to it carries the same numbers for screen readers. */
export function UsageChart({ data }: { data: DailyUsage[] }) {
  return (
    <CreditsBarChart data={data} className="h-48 w-full" dayLabel={shortDay} seriesName="Used">
      <Bar dataKey="credits" fill="#1f5ad6" radius={[3, 3, 0, 0]} isAnimationActive={false} />
    </CreditsBarChart>
  );
}
