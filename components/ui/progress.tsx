export type ProgressTone = "ok" | "warning" | "danger" | "brand";

const tones: Record<ProgressTone, string> = {
  ok: "bg-emerald-500",
  warning: "bg-amber-400",
  danger: "bg-red-600",
  brand: "bg-brand-600",
};

/** A labelled progressbar; pass the visible number next to it too, colour is never the only signal. */
export function Progress({ value, max, label, tone = "brand", testId }: { value: number; max: number; label: string; tone?: ProgressTone; testId?: string }) {
  const pct = max > 0 ? Math.min(100, Math.max(0, (value / max) * 100)) : 0;
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={max}
      aria-valuenow={value}
      data-tone={tone}
      data-testid={testId}
      className="h-2.5 w-full overflow-hidden rounded-full bg-slate-200"
    >
      <div className={`h-full rounded-full ${tones[tone]}`} style={{ width: `${pct}%` }} />
    </div>
  );
}
