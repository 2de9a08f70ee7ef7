import type { InputHTMLAttributes, ReactNode } from "react";

/** Label, input, hint and the field's own error (linked by aria-describedby). */
export function Field({
  id,
  label,
  hint,
  error,
  suffix,
  ...input
}: InputHTMLAttributes<HTMLInputElement> & { id: string; label: string; hint?: ReactNode; error?: string; suffix?: ReactNode }) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <div className="flex items-center gap-2">
        <input
          id={id}
          aria-invalid={error ? true : undefined}
          aria-describedby={[hintId, errorId].filter(Boolean).join(" ") || undefined}
          className="w-full min-w-0 rounded-md border border-slate-300 bg-white px-3 py-2 text-sm tabular-nums shadow-sm disabled:cursor-not-allowed disabled:bg-slate-100 disabled:text-slate-600 aria-[invalid=true]:border-red-500"
          {...input}
        />
        {suffix ? <span className="shrink-0 text-sm text-slate-600">{suffix}</span> : null}
      </div>
      {hint ? (
        <p id={hintId} className="text-xs text-slate-600">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={errorId} className="text-xs font-medium text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}
