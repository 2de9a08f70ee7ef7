"use client";

import type { ReactNode } from "react";
import { BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

const fmt = new Intl.NumberFormat("en-US");

/**
 * The Billing page's bar charts of credits per day (recharts): one grid, axes and "N credits" tooltip for every
 * usage chart; the bars are the children. `aria-hidden`: the tables beside each chart carry the same numbers.
 */
export function CreditsBarChart({
  data,
  className,
  testId,
  dayLabel,
  seriesName,
  legend = false,
  children,
}: {
  data: ReadonlyArray<object>;
  className: string;
  testId?: string;
  /** the x-axis tick for a `day` value (default: as it is) */
  dayLabel?: (day: string) => string;
  /** the tooltip's series name (default: the bar's name) */
  seriesName?: string;
  legend?: boolean;
  children: ReactNode;
}) {
  return (
    <div className={className} aria-hidden data-testid={testId}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={[...data]} margin={{ top: 4, right: 4, bottom: 0, left: 0 }} accessibilityLayer={false}>
          <CartesianGrid vertical={false} stroke="#e2e8f0" />
          <XAxis
            dataKey="day"
            tickFormatter={dayLabel}
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
          <Tooltip
            formatter={(v, name) => [`${fmt.format(Number(v))} credits`, seriesName ?? String(name)]}
            labelFormatter={(l) => String(l)}
            cursor={{ fill: "#eef6ff" }}
          />
          {legend && <Legend wrapperStyle={{ fontSize: 12 }} />}
          {children}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
