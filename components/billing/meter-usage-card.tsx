import { Card } from "@/components/ui/card";
import { formatCredits } from "@/lib/billing/money";
import { CREDIT_LABEL, isMeterId, METERS } from "@/lib/billing/meters";
import type { UsageSummary } from "@/lib/billing/usage-summary";
import { MeterUsageChart } from "./meter-usage-chart";

const CREDITS_HEADING = CREDIT_LABEL.plural[0]!.toUpperCase() + CREDIT_LABEL.plural.slice(1);

function meterName(id: string): string {
  return isMeterId(id) ? METERS[id].name : id;
}
function unitsText(id: string, units: number): string {
  const unit = isMeterId(id) ? (units === 1 ? METERS[id].unit : METERS[id].unitPlural) : "units";
  return `${formatCredits(units)} ${unit}`;
}

/**
 * Usage by meter (stacked credits per day, last 30 days, and a table per meter: units and credits) and by one
 * chosen property (top 10 values + other). Reads summaries built from the rollups only.
 */
export function MeterUsageCard({
  byMeter,
  byProperty,
  propertyKeys,
}: {
  byMeter: UsageSummary;
  byProperty: { key: string; summary: UsageSummary } | null;
  propertyKeys: string[];
}) {
  const data = byMeter.buckets.map((b) => ({
    day: `${b.start.getUTCMonth() + 1}/${b.start.getUTCDate()}`,
    ...Object.fromEntries(byMeter.groups.map((g, i) => [g.group, b.values[i]!.credits])),
  }));
  const series = byMeter.groups.map((g) => ({ key: g.group, name: g.isOther ? "Other" : meterName(g.group) }));
  return (
    <Card id="usage-by-meter" title="Usage by meter" description="What your credits went on in the last 30 days (UTC), per meter and per property.">
      {byMeter.groups.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 py-10 text-center text-sm text-slate-600">No usage in the last 30 days.</p>
      ) : (
        <div className="space-y-6">
          <MeterUsageChart data={data} series={series} />
          <table className="w-full text-sm" aria-label="Usage by meter">
            <thead>
              <tr className="text-left text-slate-600">
                <th className="py-1 font-medium">Meter</th>
                <th className="py-1 text-right font-medium">Units</th>
                <th className="py-1 text-right font-medium">{CREDITS_HEADING}</th>
              </tr>
            </thead>
            <tbody>
              {byMeter.groups.map((g) => (
                <tr key={g.group} className="border-t border-slate-100">
                  <td className="py-1.5">{g.isOther ? "Other" : meterName(g.group)}</td>
                  <td className="py-1.5 text-right tabular-nums">{g.isOther ? formatCredits(g.units) : unitsText(g.group, g.units)}</td>
                  <td className="py-1.5 text-right tabular-nums">{formatCredits(g.credits)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {byProperty ? (
            <div className="space-y-2">
              <form method="get" action="#usage-by-meter" className="flex flex-wrap items-center gap-2 text-sm">
                <label htmlFor="usage_by" className="font-medium text-slate-800">
                  By property
                </label>
                <select id="usage_by" name="usage_by" defaultValue={byProperty.key} className="rounded-md border border-slate-300 px-2 py-1">
                  {propertyKeys.map((k) => (
                    <option key={k} value={k}>
                      {k}
                    </option>
                  ))}
                </select>
                <button type="submit" className="rounded-md border border-slate-300 px-2 py-1 text-slate-700 hover:bg-slate-50">
                  Show
                </button>
              </form>
              <table className="w-full text-sm" aria-label={`Usage by ${byProperty.key}`}>
                <thead>
                  <tr className="text-left text-slate-600">
                    <th className="py-1 font-medium">{byProperty.key}</th>
                    <th className="py-1 text-right font-medium">Events</th>
                    <th className="py-1 text-right font-medium">{CREDITS_HEADING}</th>
                  </tr>
                </thead>
                <tbody>
                  {byProperty.summary.groups.map((g) => (
                    <tr key={`${g.isOther}:${g.group}`} className="border-t border-slate-100">
                      <td className="py-1.5">{g.isOther ? <span className="italic text-slate-600">Other</span> : g.group}</td>
                      <td className="py-1.5 text-right tabular-nums">{formatCredits(g.events)}</td>
                      <td className="py-1.5 text-right tabular-nums">{formatCredits(g.credits)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </div>
      )}
    </Card>
  );
}
