"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/actions/action-result";
import { notify as toast } from "./notify";

export interface SavedCardOption {
  id: string;
  label: string;
  expires: string;
}

/** The backup card: one of the other saved cards, tried once when the default card is declined. Editors read it. */
export function BackupCardPicker({
  cards,
  backupId,
  action,
  disabledReason,
}: {
  cards: SavedCardOption[];
  backupId: string | null;
  action?: (paymentMethodId: string | null) => Promise<ActionResult>;
  disabledReason?: string;
}) {
  const [value, setValue] = useState(backupId ?? "");
  const [busy, setBusy] = useState(false);
  const disabled = !action || !!disabledReason;
  return (
    <div className="w-full border-t border-slate-200 pt-4" data-testid="backup-card">
      <label htmlFor="backup-card-select" className="block text-sm font-medium text-slate-800">
        Backup card
      </label>
      <p id="backup-card-hint" className="mb-2 text-xs text-slate-600">
        If the default card is declined, auto-recharge tries this card once (not for a bank verification or a temporary error).
        {cards.length === 0 ? " Add another card with “Update card” to choose one." : ""}
      </p>
      <div className="flex flex-wrap items-center gap-2">
        <select
          id="backup-card-select"
          aria-describedby="backup-card-hint"
          className="min-w-0 flex-1 rounded-md border border-slate-300 bg-white px-3 py-2 text-sm disabled:cursor-not-allowed disabled:bg-slate-100 disabled:text-slate-600"
          value={value}
          disabled={disabled || cards.length === 0}
          onChange={(e) => setValue(e.target.value)}
        >
          <option value="">No backup card</option>
          {cards.map((c) => (
            <option key={c.id} value={c.id}>
              {c.label} · expires {c.expires}
            </option>
          ))}
        </select>
        {action ? (
          <Button
            type="button"
            variant="secondary"
            disabled={disabled || busy || value === (backupId ?? "")}
            onClick={async () => {
              setBusy(true);
              const r = await action(value || null);
              setBusy(false);
              if (r.ok) toast.success(r.message ?? "Backup card saved.");
              else toast.error(r.message);
            }}
          >
            {busy ? "Saving…" : "Save backup card"}
          </Button>
        ) : null}
      </div>
      {disabledReason ? <p className="mt-1 text-xs text-slate-600">{disabledReason}</p> : null}
    </div>
  );
}
