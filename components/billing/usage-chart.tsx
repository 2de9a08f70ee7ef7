"use client";

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { DailyUsage } from "./usage-math";

const fmt = new Intl.NumberFormat("en-US");

function shortDay(day: string): string {
  const [, m, d] = day.split("-");
  return `${Number(m)}/${Number(d)}`;
}

/** Credits used per day, last 30 days (recharts). The table next to it carries the same numbers for screen readers. */
export function UsageChart({ data }: { data: DailyUsage[] }) {
  return (
    <div className="h-48 w-full" aria-hidden>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 4, right: 4, bottom: 0, left: 0 }} accessibilityLayer={false}>
          <CartesianGrid vertical={false} stroke="#e2e8f0" />
          <XAxis
            dataKey="day"
            tickFormatter={shortDay}
            tick={{ fontSize: 11, fill: "#475569" }}
            interval="preserveStartEnd"
            tickLine={false}
            axisLine={false}
            minTickGap={16}
          />
          <YAxis
            tickFormatter={(v: number) => fmt.format(v)}
            tick={{ fontSize: 11, fill: "#475569" }}
            width={48}
            tickLine={false}
            axisLine={false}
            allowDecimals={false}
          />
          <Tooltip formatter={(v) => [`${fmt.format(Number(v))} credits`, "Used"]} labelFormatter={(l) => String(l)} cursor={{ fill: "#eef6ff" }} />
          <Bar dataKey="credits" fill="#1f5ad6" radius={[3, 3, 0, 0]} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
