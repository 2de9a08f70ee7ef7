"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { notify as toast } from "./notify";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { formatCredits, formatMoney } from "@/lib/billing/money";
import { minutesBoughtText } from "@/lib/billing/meters";
import { buyPacksSchema } from "@/lib/billing/auto-recharge-schema";
import type { ActionResult } from "@/lib/actions/action-result";
import type { PackPricing } from "@/lib/billing/money";
import { firstError } from "@/lib/validation/field-errors";

export type PacksAction = (packs: number) => Promise<ActionResult<{ url?: string; verifyUrl?: string; status?: string }>>;

/**
 * Buy Credits (Confirm → Stripe Checkout) and Top Up Now (charges the saved card now): choose 1–100
 * packs, see the per-credit rate and the total, confirm.
 */
export function PacksDialog({
  mode,
  pricing,
  action,
  disabledReason,
  cardLabel,
}: {
  mode: "buy" | "topup";
  pricing: PackPricing;
  action: PacksAction;
  /** set for editors (and Top Up Now without a card): the trigger is disabled with this text */
  disabledReason?: string;
  cardLabel?: string;
}) {
  const [open, setOpen] = useState(false);
  const [serverError, setServerError] = useState<string | null>(null);
  const form = useForm<{ packs: number }>({ resolver: zodResolver(buyPacksSchema), defaultValues: { packs: 1 }, mode: "onChange" });
  const packs = form.watch("packs");
  const valid = Number.isInteger(packs) && packs >= 1 && packs <= 100;
  const title = mode === "buy" ? "Buy credits" : "Top up now";
  const triggerLabel = mode === "buy" ? "Buy Credits" : "Top Up Now";
  const reasonId = `${mode}-disabled-reason`;

  async function onSubmit(values: { packs: number }) {
    setServerError(null);
    const r = await action(values.packs);
    if (!r.ok) {
      const fe = firstError(r.fieldErrors?.packs);
      if (fe) form.setError("packs", { message: fe });
      setServerError(r.message);
      toast.error(r.message);
      return;
    }
    if (r.url) {
      window.location.assign(r.url);
      return;
    }
    if (r.verifyUrl) {
      toast.warning(r.message ?? "Your bank requires verification.");
      window.location.assign(r.verifyUrl);
      return;
    }
    setOpen(false);
    form.reset({ packs: 1 });
    if (r.status === "succeeded" || r.status === undefined) toast.success("Credits topped up successfully.");
    else toast.message(r.message ?? "Payment is processing.");
  }

  if (disabledReason) {
    return (
      <div className="flex flex-col items-end">
        <Button variant={mode === "buy" ? "primary" : "secondary"} disabled aria-describedby={reasonId}>
          {triggerLabel}
        </Button>
        <p id={reasonId} className="mt-1 max-w-[16rem] text-right text-xs text-slate-600">
          {disabledReason}
        </p>
      </div>
    );
  }

  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (!o) setServerError(null);
      }}
      title={title}
      description={
        mode === "buy"
          ? `Credits are sold in packs of ${formatCredits(pricing.packCredits)}. You'll pay on Stripe's secure checkout page.`
          : `Charges ${cardLabel ?? "your saved card"} right now. Credits are added as soon as the payment succeeds.`
      }
      trigger={<Button variant={mode === "buy" ? "primary" : "secondary"}>{triggerLabel}</Button>}
    >
      <form onSubmit={form.handleSubmit(onSubmit)} noValidate className="space-y-4">
        <Field
          id={`${mode}-packs`}
          label="Number of packs"
          type="number"
          inputMode="numeric"
          min={1}
          max={100}
          step={1}
          suffix={`× ${formatCredits(pricing.packCredits)} credits`}
          hint="From 1 to 100 packs."
          error={form.formState.errors.packs?.message}
          {...form.register("packs", { valueAsNumber: true })}
        />
        <dl className="grid grid-cols-2 gap-y-1 rounded-lg bg-slate-50 px-4 py-3 text-sm">
          <dt className="text-slate-600">Rate on {pricing.planName}</dt>
          <dd className="text-right tabular-nums" data-testid={`${mode}-rate`}>
            {pricing.perCreditRate} per credit
          </dd>
          <dt className="text-slate-600">Credits</dt>
          <dd className="text-right tabular-nums" data-testid={`${mode}-credits`}>
            {valid ? formatCredits(packs * pricing.packCredits) : "—"}
          </dd>
          <dt className="font-semibold text-slate-900">Total</dt>
          <dd className="text-right font-semibold tabular-nums" data-testid={`${mode}-total`}>
            {valid ? formatMoney(packs * pricing.packPriceCents, pricing.currency) : "—"}
          </dd>
          {pricing.planId && valid ? (
            <>
              <dt className="text-slate-600">Buys</dt>
              <dd className="text-right tabular-nums" data-testid={`${mode}-minutes`}>
                {minutesBoughtText({ id: pricing.planId }, packs * pricing.packCredits)}
              </dd>
            </>
          ) : null}
        </dl>
        {serverError ? (
          <p role="alert" className="text-sm font-medium text-red-700">
            {serverError}
          </p>
        ) : null}
        <div className="flex justify-end gap-2">
          <Button type="button" variant="ghost" onClick={() => setOpen(false)}>
            Cancel
          </Button>
          <Button type="submit" disabled={form.formState.isSubmitting}>
            {form.formState.isSubmitting
              ? "Working…"
              : mode === "buy"
                ? "Continue to checkout"
                : `Charge ${valid ? formatMoney(packs * pricing.packPriceCents, pricing.currency) : ""}`}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
