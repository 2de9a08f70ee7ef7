"use client";

/** The authorization a change needs, shown beside "Save and authorize", with the owner's checkbox. */
export function ConsentBox({ text, checked, onChange }: { text: string; checked: boolean; onChange: (v: boolean) => void }) {
  return (
    <div className="max-w-xl rounded-lg border border-brand-100 bg-brand-50 px-4 py-3" data-testid="consent">
      <label className="flex items-start gap-3 text-sm text-slate-800">
        <input
          type="checkbox"
          className="mt-0.5 h-4 w-4 shrink-0 rounded border-slate-400 accent-brand-700"
          checked={checked}
          onChange={(e) => onChange(e.target.checked)}
          aria-describedby="consent-text"
        />
        <span>
          <span className="font-medium">I authorize these automatic charges.</span>{" "}
          <span id="consent-text" data-testid="consent-text">
            {text}
          </span>
        </span>
      </label>
    </div>
  );
}
