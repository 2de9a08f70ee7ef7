import { Card } from "@/components/ui/card";
import { Progress } from "@/components/ui/progress";
import { formatCredits } from "@/lib/billing/money";
import { formatDate } from "@/lib/format";
import { UsageChart } from "./usage-chart";
import { runwayDays, suggestedThreshold, type DailyUsage } from "./usage-math";

function runwayText(days: number | null): string {
  if (days === null) return "No usage in the last 7 days, so there is no estimate yet.";
  if (days < 1 / 24) return "At your current usage your balance lasts less than an hour.";
  if (days < 1) return `At your current usage your balance lasts about ${Math.max(1, Math.round(days * 24))} hours.`;
  if (days > 365) return "At your current usage your balance lasts more than a year.";
  return `At your current usage your balance lasts about ${Math.round(days)} day${Math.round(days) === 1 ? "" : "s"}.`;
}

/** This period's plan-credit consumption, credits per day (30 days), runway and the suggested threshold. */
export function UsageCard({
  daily,
  planAllotment,
  planCredits,
  planResetsAt,
  balanceTotal,
  timeZone,
  showSuggestion = true,
  suggestion,
}: {
  daily: DailyUsage[];
  planAllotment: number;
  planCredits: number;
  planResetsAt: Date | null;
  balanceTotal: number;
  timeZone: string;
  /** the suggested auto-recharge threshold (plans with auto-recharge) */
  showSuggestion?: boolean;
  /** the suggested threshold and why (the peak-rate rule); default: one hour of typical usage */
  suggestion?: { credits: number; reason: string };
}) {
  const used = Math.max(0, planAllotment - planCredits);
  const total30 = daily.reduce((s, d) => s + d.credits, 0);
  const pct = planAllotment > 0 ? Math.round((used / planAllotment) * 100) : 0;
  const suggested = suggestion?.credits ?? suggestedThreshold(daily);
  const reason = suggestion?.reason ?? "one hour of your typical usage";
  return (
    <Card id="usage" title="Usage" description="How fast you use credits, and what that means for your balance.">
      <div className="space-y-6">
        <div className="space-y-1.5">
          <div className="flex flex-wrap items-baseline justify-between gap-2 text-sm">
            <span className="font-medium text-slate-800">Plan credits used this period</span>
            <span className="tabular-nums text-slate-700" data-testid="period-usage">
              {formatCredits(used)} of {formatCredits(planAllotment)} ({pct}%)
            </span>
          </div>
          <Progress value={used} max={Math.max(planAllotment, 1)} label="Plan credits used this period" />
          <p className="text-xs text-slate-600">
            {planResetsAt ? `Plan credits reset on ${formatDate(planResetsAt, timeZone)}.` : "No billing period is running."}
          </p>
        </div>
        <div>
          <div className="mb-2 flex flex-wrap items-baseline justify-between gap-2">
            <h3 className="text-sm font-medium text-slate-800">Credits used per day, last 30 days</h3>
            <span className="text-sm tabular-nums text-slate-700">{formatCredits(total30)} in total</span>
          </div>
          {total30 === 0 ? (
            <p className="rounded-lg border border-dashed border-slate-300 py-10 text-center text-sm text-slate-600">No usage in the last 30 days.</p>
          ) : (
            <>
              <UsageChart data={daily} />
              <ul className="sr-only" aria-label="Credits used per day">
                {daily
                  .filter((d) => d.credits > 0)
                  .map((d) => (
                    <li key={d.day}>
                      {d.day}: {formatCredits(d.credits)} credits
                    </li>
                  ))}
              </ul>
            </>
          )}
        </div>
        <div className="grid gap-3 sm:grid-cols-2">
          <p className="rounded-lg bg-slate-50 px-4 py-3 text-sm text-slate-800" data-testid="runway">
            {runwayText(runwayDays(balanceTotal, daily))}
          </p>
          {showSuggestion ? (
            <p className="rounded-lg bg-slate-50 px-4 py-3 text-sm text-slate-800" data-testid="suggested-threshold">
              Suggested auto-recharge threshold:{" "}
              <strong className="tabular-nums">
                {formatCredits(suggested)} credit{suggested === 1 ? "" : "s"}
              </strong>{" "}
              — {reason}.
            </p>
          ) : null}
        </div>
      </div>
    </Card>
  );
}
