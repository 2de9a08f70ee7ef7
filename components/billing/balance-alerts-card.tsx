"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import type { ActionResult } from "@/lib/actions/action-result";
import { balanceAlertsFormSchema, formToBalanceAlerts, type BalanceAlertsFormInput } from "@/lib/billing/balance-alerts";
import { formatCredits } from "@/lib/billing/money";
import { firstError } from "@/lib/validation/field-errors";
import { notify as toast } from "./notify";

export type SaveBalanceAlertsAction = (input: { thresholds: number[]; recipients: string[] }) => Promise<ActionResult>;

function formValues(thresholds: number[], recipients: string[]): BalanceAlertsFormInput {
  const t = (i: number) => (thresholds[i] === undefined ? "" : String(thresholds[i]));
  return { threshold1: t(0), threshold2: t(1), threshold3: t(2), recipients: recipients.join("\n") };
}

/**
 * "Balance alerts": up to 3 low-balance thresholds and extra billing recipients (beyond the owners).
 * Owners edit; editors see the values read-only with the reason.
 */
export function BalanceAlertsCard({
  thresholds,
  recipients,
  isDefault,
  available,
  action,
  disabledReason,
}: {
  thresholds: number[];
  recipients: string[];
  /** the owner never saved alerts: `thresholds` is the default */
  isDefault: boolean;
  available: number;
  action?: SaveBalanceAlertsAction;
  disabledReason?: string;
}) {
  const form = useForm<BalanceAlertsFormInput>({
    resolver: zodResolver(balanceAlertsFormSchema),
    defaultValues: formValues(thresholds, recipients),
    // validated on submit, then on every change: no re-validation on blur, which would move the Save button
    // under the pointer (an error line disappearing) between mousedown and click
    mode: "onSubmit",
    reValidateMode: "onChange",
  });
  const [serverError, setServerError] = useState<string | null>(null);
  const disabled = !action || !!disabledReason;
  const errors = form.formState.errors;

  async function onSubmit(values: BalanceAlertsFormInput) {
    if (!action) return;
    setServerError(null);
    const r = await action(formToBalanceAlerts(values));
    if (!r.ok) {
      for (const [k, v] of Object.entries(r.fieldErrors ?? {})) {
        const msg = firstError(v);
        const m = /^thresholds(?:\.(\d))?$/.exec(k);
        if (msg && m) form.setError(`threshold${Number(m[1] ?? 0) + 1}` as "threshold1", { message: msg });
        else if (msg && k.startsWith("recipients")) form.setError("recipients", { message: msg });
      }
      setServerError(r.message);
      toast.error(r.message);
      return;
    }
    form.reset(values);
    toast.success(r.message ?? "Balance alerts saved.");
  }

  const summary =
    thresholds.length === 0
      ? "Only the out-of-credits alert is on."
      : `Alerts at ${thresholds.map((t) => `${formatCredits(t)}`).join(", ")} credits${isDefault ? " (the default)" : ""}, and when credits run out.`;

  return (
    <Card
      id="balance-alerts"
      title="Balance alerts"
      description={`Email the owners and your billing contacts, and send a balance.low webhook, when the balance falls to a threshold. Available now: ${formatCredits(available)} credits.`}
    >
      <form onSubmit={form.handleSubmit(onSubmit)} noValidate aria-describedby={disabledReason ? "balance-alerts-disabled-reason" : "balance-alerts-summary"}>
        {disabledReason ? (
          <p id="balance-alerts-disabled-reason" className="mb-4 rounded-md bg-slate-100 px-3 py-2 text-sm text-slate-700">
            {disabledReason}
          </p>
        ) : null}
        <p id="balance-alerts-summary" className="mb-4 text-sm text-slate-600">
          {summary} Each alert is sent once per crossing, at most once an hour, and re-arms when the balance recovers.
        </p>
        <fieldset disabled={disabled} className="grid gap-4 sm:grid-cols-3">
          <legend className="sr-only">Alert thresholds</legend>
          {(["threshold1", "threshold2", "threshold3"] as const).map((name, i) => (
            <Field
              key={name}
              id={`ba-${name}`}
              label={`Threshold ${i + 1}${i === 0 ? "" : " (optional)"}`}
              inputMode="numeric"
              suffix={<span className="text-sm text-slate-500">credits</span>}
              error={errors[name]?.message}
              {...form.register(name)}
            />
          ))}
          <div className="space-y-1 sm:col-span-3">
            <label htmlFor="ba-recipients" className="block text-sm font-medium text-slate-800">
              Extra recipients (optional)
            </label>
            <textarea
              id="ba-recipients"
              rows={2}
              placeholder="finance@example.com"
              className="w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm disabled:cursor-not-allowed disabled:bg-slate-100 disabled:text-slate-600 aria-[invalid=true]:border-red-500"
              aria-invalid={errors.recipients ? true : undefined}
              aria-describedby={errors.recipients ? "ba-recipients-hint ba-recipients-error" : "ba-recipients-hint"}
              {...form.register("recipients")}
            />
            <p id="ba-recipients-hint" className="text-xs text-slate-500">
              Up to 10 emails, one per line or separated by commas. The organization&apos;s owners always receive alerts.
            </p>
            {errors.recipients ? (
              <p id="ba-recipients-error" className="text-xs font-medium text-red-700">
                {errors.recipients.message}
              </p>
            ) : null}
          </div>
        </fieldset>
        {serverError ? (
          <p role="alert" className="mt-4 text-sm font-medium text-red-700">
            {serverError}
          </p>
        ) : null}
        {disabled ? null : (
          <div className="mt-5 flex justify-end">
            <Button type="submit" disabled={form.formState.isSubmitting || !form.formState.isDirty}>
              {form.formState.isSubmitting ? "Saving…" : "Save balance alerts"}
            </Button>
          </div>
        )}
      </form>
    </Card>
  );
}
