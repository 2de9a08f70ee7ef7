"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

const fmt = new Intl.NumberFormat("en-US");
const COLORS = ["#1f5ad6", "#0f9d76", "#c2410c", "#7c3aed", "#be185d", "#0e7490", "#a16207", "#4d7c0f", "#334155", "#9f1239", "#64748b"];

export interface MeterSeries {
  key: string;
  name: string;
}

/** Credits per day stacked by meter (recharts). The tables beside it carry the same numbers for screen readers. */
export function MeterUsageChart({ data, series }: { data: Array<Record<string, number | string>>; series: MeterSeries[] }) {
  return (
    <div className="h-56 w-full" aria-hidden data-testid="meter-usage-chart">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 4, right: 4, bottom: 0, left: 0 }} accessibilityLayer={false}>
          <CartesianGrid vertical={false} stroke="#e2e8f0" />
          <XAxis dataKey="day" tick={{ fontSize: 11, fill: "#475569" }} interval="preserveStartEnd" tickLine={false} axisLine={false} minTickGap={16} />
          <YAxis
            tickFormatter={(v: number) => fmt.format(v)}
            tick={{ fontSize: 11, fill: "#475569" }}
            width={48}
            tickLine={false}
            axisLine={false}
            allowDecimals={false}
          />
          <Tooltip formatter={(v, name) => [`${fmt.format(Number(v))} credits`, String(name)]} cursor={{ fill: "#eef6ff" }} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {series.map((s, i) => (
            <Bar key={s.key} dataKey={s.key} name={s.name} stackId="meters" fill={COLORS[i % COLORS.length]} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
