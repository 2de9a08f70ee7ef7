"use client";

import { useState } from "react";
import { notify as toast } from "./notify";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/actions/action-result";

export type RedirectAction = () => Promise<ActionResult<{ url?: string }>>;

/** A button that asks a server action for a Stripe URL (Checkout, Billing Portal) and goes there. */
export function RedirectButton({
  label,
  action,
  variant = "secondary",
  disabledReason,
  describedBy,
  testId,
}: {
  label: string;
  /** absent: the button is disabled */
  action?: RedirectAction;
  variant?: "primary" | "secondary";
  /** shown under the disabled button */
  disabledReason?: string;
  /** id of a reason shown elsewhere (several buttons, one reason) */
  describedBy?: string;
  testId?: string;
}) {
  const [busy, setBusy] = useState(false);
  const reasonId = disabledReason && testId ? `${testId}-reason` : describedBy;
  if (disabledReason || !action) {
    return (
      <span className="inline-flex flex-col items-start">
        <Button variant={variant} disabled aria-describedby={reasonId} data-testid={testId}>
          {label}
        </Button>
        {disabledReason ? (
          <span id={reasonId} className="mt-1 text-xs text-slate-600">
            {disabledReason}
          </span>
        ) : null}
      </span>
    );
  }
  return (
    <Button
      variant={variant}
      data-testid={testId}
      disabled={busy}
      onClick={async () => {
        setBusy(true);
        try {
          const r = await action();
          if (r.ok && r.url) {
            window.location.assign(r.url);
            return;
          }
          toast.error(r.ok ? "Something went wrong. Please try again." : r.message);
        } finally {
          setBusy(false);
        }
      }}
    >
      {busy ? "Redirecting…" : label}
    </Button>
  );
}
