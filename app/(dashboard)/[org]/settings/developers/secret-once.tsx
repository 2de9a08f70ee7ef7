"use client";

/** A signing secret shown once (after adding an endpoint or rotating its secret), as the API keys page shows a new key. */
export function SecretOnce({ label, secret, note }: { label: string; secret: string; note?: string }) {
  return (
    <div role="status" className="rounded-md border border-emerald-200 bg-emerald-50 p-4">
      <p className="text-sm font-medium text-emerald-900">{label} — copy it now, it will not be shown again.</p>
      <code data-testid="signing-secret" className="mt-2 block break-all rounded bg-white px-3 py-2 font-mono text-sm text-slate-900 ring-1 ring-emerald-200">
        {secret}
      </code>
      {note ? <p className="mt-2 text-sm text-emerald-900">{note}</p> : null}
    </div>
  );
}
