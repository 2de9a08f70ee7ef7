"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { Controller, useForm } from "react-hook-form";
import { notify as toast } from "./notify";
import type { PlanId } from "@/lib/billing/plans";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Switch } from "@/components/ui/switch";
import { formatCredits, formatMoney } from "@/lib/billing/money";
import { autoRechargeFormSchema, type AutoRechargeFormInput } from "@/lib/billing/auto-recharge-schema";
import type { ActionResult } from "@/lib/actions/action-result";
import type { PackPricing } from "@/lib/billing/money";
import { firstError } from "@/lib/validation/field-errors";
import type { ConsentSettings } from "@/lib/billing/consent";
import { previewSettings } from "@/lib/billing/recharge-preview";
import { ConsentBox } from "./consent-box";
import { MoneyField } from "./money-field";
import { RechargeAmountFields } from "./recharge-amount-fields";

export type SaveAutoRechargeAction = (input: AutoRechargeFormInput) => Promise<ActionResult>;

/** What the pre-save preview and the consent text are computed from (the saved settings, card, this month). */
export interface AutoRechargeFormContext {
  saved: ConsentSettings;
  cardLabel: string | null;
  backupCardLabel: string | null;
  spendThisMonthCents: number;
  rechargesThisMonth: number;
}

/**
 * The Auto-Recharge settings form: switch, threshold, amount (fixed packs or a target balance), monthly cap,
 * optional spending limit; a preview of the charge saving would make now, and — when the change needs it —
 * the authorization text with a checkbox beside "Save and authorize".
 */
export function AutoRechargeForm({
  planId,
  pricing,
  initial,
  balanceTotal,
  suggestedThreshold,
  suggestedReason = "about one hour of your typical usage",
  maxRechargesCeiling,
  action,
  disabledReason,
  context,
}: {
  planId: PlanId;
  pricing: PackPricing;
  initial: AutoRechargeFormInput;
  balanceTotal: number;
  suggestedThreshold: number;
  /** why that number (default: the typical-hour wording) */
  suggestedReason?: string;
  maxRechargesCeiling: number;
  action: SaveAutoRechargeAction;
  /** editors: every control disabled with this reason */
  disabledReason?: string;
  context: AutoRechargeFormContext;
}) {
  const form = useForm<AutoRechargeFormInput>({ resolver: zodResolver(autoRechargeFormSchema(planId)), defaultValues: initial, mode: "onBlur" });
  const [pending, setPending] = useState<AutoRechargeFormInput | null>(null);
  const [serverError, setServerError] = useState<string | null>(null);
  const disabled = !!disabledReason;
  const errors = form.formState.errors;
  const [agreed, setAgreed] = useState(false);
  const values = form.watch();
  const packs = values.rechargePacks;
  const packsValid = Number.isInteger(packs) && packs >= 1 && packs <= 100;
  const next: ConsentSettings = {
    enabled: values.enabled,
    threshold: Number.isInteger(values.threshold) ? values.threshold : context.saved.threshold,
    rechargePacks: packsValid ? packs : context.saved.rechargePacks,
    rechargeTo: values.rechargeTo === undefined || (values.rechargeTo !== null && !Number.isInteger(values.rechargeTo)) ? null : values.rechargeTo,
    maxRechargesPerMonth: Number.isInteger(values.maxRechargesPerMonth) ? values.maxRechargesPerMonth : context.saved.maxRechargesPerMonth,
    spendingLimitCents: Number.isFinite(values.monthlyLimitCents) ? values.monthlyLimitCents : context.saved.spendingLimitCents,
  };
  const preview = previewSettings(context.saved, next, {
    packCredits: pricing.packCredits,
    packPriceCents: pricing.packPriceCents,
    currency: pricing.currency,
    cardLabel: context.cardLabel,
    backupCardLabel: context.backupCardLabel,
    balance: balanceTotal,
    spendThisMonthCents: context.spendThisMonthCents,
    rechargesThisMonth: context.rechargesThisMonth,
  });
  const needsConsent = preview.consentReasons.length > 0;

  async function save(values: AutoRechargeFormInput) {
    setServerError(null);
    const r = await action(needsConsent ? { ...values, consent: agreed, consentText: preview.consentText } : values);
    if (!r.ok) {
      for (const [k, v] of Object.entries(r.fieldErrors ?? {})) {
        const msg = firstError(v);
        if (msg && k in values) form.setError(k as keyof AutoRechargeFormInput, { message: msg });
      }
      setServerError(r.message);
      toast.error(r.message);
      return;
    }
    form.reset(values);
    setAgreed(false);
    toast.success(r.message ?? "Auto-recharge settings updated.");
  }

  async function onSubmit(values: AutoRechargeFormInput) {
    if (needsConsent && !agreed) {
      setServerError("Check the box to authorize these charges, or change the settings.");
      return;
    }
    if (preview.chargeNow) {
      setPending(values);
      return;
    }
    await save(values);
  }

  const pendingAmount = preview.chargeNow ? formatMoney(preview.chargeNow.amountCents, pricing.currency) : "";

  return (
    <form onSubmit={form.handleSubmit(onSubmit)} noValidate aria-describedby={disabled ? "auto-recharge-disabled-reason" : undefined}>
      {disabled ? (
        <p id="auto-recharge-disabled-reason" className="mb-4 rounded-md bg-slate-100 px-3 py-2 text-sm text-slate-700">
          {disabledReason}
        </p>
      ) : null}
      <Controller
        control={form.control}
        name="enabled"
        render={({ field }) => (
          <Switch
            id="auto-recharge-enabled"
            label="Enable auto-recharge"
            checked={field.value}
            onCheckedChange={field.onChange}
            disabled={disabled}
            describedBy="auto-recharge-enabled-hint"
          />
        )}
      />
      <p id="auto-recharge-enabled-hint" className="mt-1 text-xs text-slate-600">
        When your balance falls below the threshold, we charge your card for the recharge amount.
      </p>
      <fieldset disabled={disabled} className="mt-5 grid gap-4 sm:grid-cols-2">
        <legend className="sr-only">Auto-recharge settings</legend>
        <Field
          id="threshold"
          label="When balance falls below"
          type="number"
          inputMode="numeric"
          min={1}
          suffix="credits"
          hint={
            <>
              Suggested: {formatCredits(suggestedThreshold)} ({suggestedReason}).{" "}
              <button
                type="button"
                disabled={disabled}
                className="font-medium text-brand-700 underline-offset-2 hover:underline disabled:text-slate-500 disabled:no-underline"
                onClick={() => form.setValue("threshold", suggestedThreshold, { shouldDirty: true, shouldValidate: true })}
              >
                Use {formatCredits(suggestedThreshold)}
              </button>
            </>
          }
          error={errors.threshold?.message}
          {...form.register("threshold", { valueAsNumber: true })}
        />
        <RechargeAmountFields form={form} pricing={pricing} disabled={disabled} />
        <Field
          id="max-recharges"
          label="Max recharges per month"
          type="number"
          inputMode="numeric"
          min={1}
          max={maxRechargesCeiling}
          hint={`Up to ${maxRechargesCeiling} on ${pricing.planName}.`}
          error={errors.maxRechargesPerMonth?.message}
          {...form.register("maxRechargesPerMonth", { valueAsNumber: true })}
        />
        <Controller
          control={form.control}
          name="monthlyLimitCents"
          render={({ field }) => (
            <MoneyField
              id="monthly-limit"
              initialCents={initial.monthlyLimitCents}
              onCents={field.onChange}
              onBlur={field.onBlur}
              error={errors.monthlyLimitCents?.message}
              disabled={disabled}
            />
          )}
        />
        <Field
          id="alert-percent"
          label="Email me at (% of the limit)"
          type="number"
          inputMode="numeric"
          min={1}
          max={100}
          suffix="%"
          hint="An email to the owners when this month's recharges reach this share of the limit."
          error={errors.spendingAlertPercent?.message}
          {...form.register("spendingAlertPercent", { valueAsNumber: true })}
        />
      </fieldset>
      <div className="mt-5 rounded-lg border border-slate-200 px-4 py-3">
        <Controller
          control={form.control}
          name="graceEnabled"
          render={({ field }) => (
            <Switch
              id="grace-enabled"
              label="Keep usage running while a recharge is in flight"
              checked={field.value ?? true}
              onCheckedChange={field.onChange}
              disabled={disabled}
              describedBy="grace-enabled-hint"
            />
          )}
        />
        <p id="grace-enabled-hint" className="mt-1 text-xs text-slate-600">
          Grace: once your card has been charged successfully, usage may draw on the recharge that is on its way — at most{" "}
          {preview.chargeNow
            ? formatCredits(preview.chargeNow.credits)
            : packsValid && next.rechargeTo === null
              ? formatCredits(packs * pricing.packCredits)
              : "one recharge's"}{" "}
          credits below zero, covered when it lands. If that payment fails, usage stops until the balance is positive again and your next purchase pays the
          overdraft first.
        </p>
      </div>
      {serverError ? (
        <p role="alert" className="mt-4 text-sm font-medium text-red-700">
          {serverError}
        </p>
      ) : null}
      <p className="mt-5 rounded-md bg-slate-50 px-3 py-2 text-sm text-slate-800" data-testid="recharge-preview">
        {preview.sentence}
      </p>
      <div className="mt-4 flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between">
        {needsConsent && !disabled ? (
          <ConsentBox
            text={preview.consentText}
            checked={agreed}
            onChange={(v) => {
              setAgreed(v);
              if (v) setServerError(null);
            }}
          />
        ) : (
          <span />
        )}
        <Button type="submit" disabled={disabled || form.formState.isSubmitting} className="shrink-0">
          {form.formState.isSubmitting ? "Saving…" : needsConsent ? "Save and authorize" : "Save auto-recharge settings"}
        </Button>
      </div>
      <Dialog open={pending !== null} onOpenChange={(o) => !o && setPending(null)} title="A recharge will be charged now">
        <p className="text-sm text-slate-700" data-testid="charge-now-warning">
          Your balance ({formatCredits(balanceTotal)} credits) is below the threshold ({formatCredits(pending?.threshold ?? 0)} credits). Saving turns
          auto-recharge on and <strong>charges {pendingAmount} now</strong> for {formatCredits(preview.chargeNow?.credits ?? 0)} credits.
        </p>
        <div className="mt-4 flex justify-end gap-2">
          <Button type="button" variant="ghost" onClick={() => setPending(null)}>
            Cancel
          </Button>
          <Button
            type="button"
            onClick={async () => {
              const v = pending!;
              setPending(null);
              await save(v);
            }}
          >
            Save and charge {pendingAmount}
          </Button>
        </div>
      </Dialog>
    </form>
  );
}
