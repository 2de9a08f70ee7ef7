"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import type { ActionResult } from "@/lib/actions/action-result";
import { formatCredits, formatMoney } from "@/lib/billing/money";
import { notify as toast } from "./notify";

export type RefundAction = (purchaseId: string) => Promise<ActionResult>;

/**
 * "Refund" on an unused top-up in the history: a confirm dialog with the credits removed and the money
 * returned. Editors get the button disabled with the reason; a refusal (409/404) is a toast.
 */
export function RefundButton({
  purchaseId,
  credits,
  amountCents,
  currency,
  action,
  disabledReason,
}: {
  purchaseId: string;
  credits: number;
  amountCents: number;
  currency: string;
  action?: RefundAction;
  disabledReason?: string;
}) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const money = formatMoney(amountCents, currency);
  const reasonId = `refund-reason-${purchaseId}`;
  if (!action || disabledReason) {
    return (
      <span className="inline-flex flex-col items-end">
        <Button type="button" variant="ghost" disabled aria-describedby={reasonId}>
          Refund
        </Button>
        <span id={reasonId} className="mt-1 max-w-[12rem] text-right text-xs text-slate-600">
          {disabledReason}
        </span>
      </span>
    );
  }
  async function confirm() {
    setBusy(true);
    try {
      const r = await action!(purchaseId);
      if (r.ok) {
        setOpen(false);
        toast.success(r.message ?? "Top-up refunded.");
      } else toast.error(r.message);
    } catch {
      toast.error("The refund could not be completed. Try again.");
    } finally {
      setBusy(false);
    }
  }
  return (
    <Dialog
      open={open}
      onOpenChange={setOpen}
      title="Refund this top-up?"
      description={`${formatCredits(credits)} credits will be removed from your balance and ${money} returned to the card it was paid with.`}
      trigger={
        <Button type="button" variant="ghost" aria-label={`Refund ${money}`}>
          Refund
        </Button>
      }
    >
      <div className="flex justify-end gap-2">
        <Button type="button" variant="ghost" onClick={() => setOpen(false)}>
          Cancel
        </Button>
        <Button type="button" variant="danger" disabled={busy} onClick={confirm}>
          {busy ? "Refunding…" : `Refund ${money}`}
        </Button>
      </div>
    </Dialog>
  );
}
