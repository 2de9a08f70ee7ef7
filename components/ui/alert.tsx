import type { ReactNode } from "react";

type Tone = "danger" | "warning" | "info" | "success";
const tones: Record<Tone, { box: string; icon: string; glyph: string; label: string }> = {
  danger: { box: "border-red-200 bg-red-50 text-red-900", icon: "bg-red-600", glyph: "!", label: "Error" },
  warning: { box: "border-amber-200 bg-amber-50 text-amber-950", icon: "bg-amber-500", glyph: "!", label: "Warning" },
  info: { box: "border-brand-100 bg-brand-50 text-slate-900", icon: "bg-brand-600", glyph: "i", label: "Info" },
  success: { box: "border-emerald-200 bg-emerald-50 text-emerald-950", icon: "bg-emerald-600", glyph: "✓", label: "Success" },
};

/** A banner: icon + title + body, optional actions on the right. */
export function Alert({
  tone = "info",
  title,
  children,
  actions,
  testId,
  role,
}: {
  tone?: Tone;
  title: string;
  children?: ReactNode;
  actions?: ReactNode;
  testId?: string;
  role?: "alert" | "status";
}) {
  const t = tones[tone];
  return (
    <div role={role} data-testid={testId} className={`flex flex-col gap-3 rounded-lg border px-4 py-3 sm:flex-row sm:items-start ${t.box}`}>
      <span aria-hidden className={`mt-0.5 flex h-5 w-5 shrink-0 items-center justify-center rounded-full text-xs font-bold text-white ${t.icon}`}>
        {t.glyph}
      </span>
      <div className="min-w-0 flex-1">
        <p className="text-sm font-semibold">
          <span className="sr-only">{t.label}: </span>
          {title}
        </p>
        {children ? <div className="mt-0.5 text-sm">{children}</div> : null}
      </div>
      {actions ? <div className="flex flex-wrap items-center gap-2">{actions}</div> : null}
    </div>
  );
}
