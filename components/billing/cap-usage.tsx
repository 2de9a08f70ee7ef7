import { Progress, type ProgressTone } from "@/components/ui/progress";

/** Yellow above 50 %, red above 80 % of the cap (exactly 50 % and 80 % stay in the lower band). */
function capTone(used: number, cap: number): ProgressTone {
  if (cap <= 0) return "ok";
  const pct = (used / cap) * 100;
  if (pct > 80) return "danger";
  if (pct > 50) return "warning";
  return "ok";
}

const toneWords: Record<ProgressTone, string> = { ok: "", warning: " — more than half used", danger: " — almost at the limit", brand: "" };

/** "X of Y used this month" with a progress bar and the number (colour is never the only signal). */
export function CapUsage({ used, cap }: { used: number; cap: number }) {
  const tone = capTone(used, cap);
  const pct = cap > 0 ? Math.round((used / cap) * 100) : 0;
  return (
    <div className="space-y-1.5">
      <div className="flex flex-wrap items-baseline justify-between gap-2 text-sm">
        <span className="font-medium text-slate-800">Recharges this month</span>
        <span className="tabular-nums text-slate-700" data-testid="cap-usage-text">
          {used} of {cap} used this month ({pct}%){used >= cap && cap > 0 ? " — limit reached" : toneWords[tone]}
        </span>
      </div>
      <Progress value={used} max={cap} tone={tone} label="Recharges used this month" testId="cap-usage-bar" />
      <p className="text-xs text-slate-600" data-testid="cap-left">
        {Math.max(0, cap - used)} recharge{cap - used === 1 ? "" : "s"} left this month
      </p>
    </div>
  );
}
