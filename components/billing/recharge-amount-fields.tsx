"use client";

import type { UseFormReturn } from "react-hook-form";
import { Field } from "@/components/ui/field";
import type { AutoRechargeFormInput } from "@/lib/billing/auto-recharge-schema";
import { formatCredits, formatMoney, type PackPricing } from "@/lib/billing/money";
import { minutesBoughtText } from "@/lib/billing/meters";

/** Recharge amount: a fixed number of packs, or "recharge to" a target balance (whole packs up to at least it). */
export function RechargeAmountFields({ form, pricing, disabled }: { form: UseFormReturn<AutoRechargeFormInput>; pricing: PackPricing; disabled: boolean }) {
  const target = form.watch("rechargeTo");
  const mode = target === null || target === undefined ? "fixed" : "target";
  const packs = form.watch("rechargePacks");
  const threshold = form.watch("threshold");
  const packsValid = Number.isInteger(packs) && packs >= 1 && packs <= 100;
  const label = packsValid ? `${formatCredits(packs * pricing.packCredits)} credits for ${formatMoney(packs * pricing.packPriceCents, pricing.currency)}` : "—";
  // what the amount buys per minute tier: "$50.00 ≈ 312 Premium or 500 Basic minutes"
  const buys =
    packsValid && pricing.planId
      ? `${formatMoney(packs * pricing.packPriceCents, pricing.currency)} ${minutesBoughtText({ id: pricing.planId }, packs * pricing.packCredits)}`
      : "";
  const errors = form.formState.errors;
  const setMode = (m: "fixed" | "target") => {
    const suggested = (Number.isInteger(threshold) ? threshold : 0) + (packsValid ? packs : 1) * pricing.packCredits;
    form.setValue("rechargeTo", m === "fixed" ? null : suggested, { shouldDirty: true, shouldValidate: true });
  };
  return (
    <div className="space-y-2">
      <fieldset className="space-y-1" disabled={disabled}>
        <legend className="block text-sm font-medium text-slate-800">Recharge by</legend>
        <div className="flex gap-4 text-sm text-slate-800" role="radiogroup">
          {(["fixed", "target"] as const).map((m) => (
            <label key={m} className="flex items-center gap-1.5">
              <input type="radio" name="amount-mode" value={m} checked={mode === m} onChange={() => setMode(m)} className="accent-brand-700" />
              {m === "fixed" ? "A fixed amount" : "Topping up to a target balance"}
            </label>
          ))}
        </div>
      </fieldset>
      {mode === "fixed" ? (
        <Field
          id="recharge-packs"
          label="Recharge amount"
          type="number"
          inputMode="numeric"
          min={1}
          max={100}
          suffix="packs"
          hint={
            <>
              <span data-testid="recharge-amount-label">= {label}</span>
              {buys ? (
                <span className="block" data-testid="recharge-amount-minutes">
                  {buys}
                </span>
              ) : null}
            </>
          }
          error={errors.rechargePacks?.message}
          {...form.register("rechargePacks", { valueAsNumber: true })}
        />
      ) : (
        <Field
          id="recharge-to"
          label="Recharge to"
          type="number"
          inputMode="numeric"
          min={1}
          suffix="credits"
          hint={`Whole packs of ${formatCredits(pricing.packCredits)} credits (${formatMoney(pricing.packPriceCents, pricing.currency)}) up to at least this balance; above the threshold.`}
          error={errors.rechargeTo?.message}
          {...form.register("rechargeTo", { valueAsNumber: true })}
        />
      )}
    </div>
  );
}
