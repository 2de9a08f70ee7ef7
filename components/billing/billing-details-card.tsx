"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import type { ActionResult } from "@/lib/actions/action-result";
import { billingDetailsSchema, TAX_ID_TYPES, type BillingDetails, type BillingDetailsFormInput } from "@/lib/billing/billing-details";
import { firstError } from "@/lib/validation/field-errors";
import { notify as toast } from "./notify";

export type SaveBillingDetailsAction = (input: BillingDetailsFormInput) => Promise<ActionResult>;

function formValues(d: BillingDetails | null, orgName: string): BillingDetailsFormInput {
  return {
    legalName: d?.legalName ?? orgName,
    line1: d?.line1 ?? "",
    line2: d?.line2 ?? "",
    city: d?.city ?? "",
    postalCode: d?.postalCode ?? "",
    state: d?.state ?? "",
    country: d?.country ?? "",
    taxIdType: d?.taxId?.type ?? "",
    taxIdValue: d?.taxId?.value ?? "",
  };
}

/** "Billing details": the legal name, address and tax ID printed on every new invoice. Owners edit; editors read. */
export function BillingDetailsCard({
  details,
  orgName,
  action,
  disabledReason,
}: {
  details: BillingDetails | null;
  orgName: string;
  action?: SaveBillingDetailsAction;
  /** editors: the form is read-only with this reason */
  disabledReason?: string;
}) {
  const initial = formValues(details, orgName);
  const form = useForm<BillingDetailsFormInput>({
    resolver: zodResolver(billingDetailsSchema),
    defaultValues: initial,
    mode: "onBlur",
    reValidateMode: "onChange",
  });
  const [serverError, setServerError] = useState<string | null>(null);
  const disabled = !action || !!disabledReason;
  const errors = form.formState.errors;
  const taxType = form.watch("taxIdType");
  const example = taxType ? TAX_ID_TYPES[taxType as keyof typeof TAX_ID_TYPES]?.example : undefined;

  async function onSubmit(values: BillingDetailsFormInput) {
    if (!action) return;
    setServerError(null);
    const r = await action(values);
    if (!r.ok) {
      for (const [k, v] of Object.entries(r.fieldErrors ?? {})) {
        const msg = firstError(v);
        if (msg && k in values) form.setError(k as keyof BillingDetailsFormInput, { message: msg });
      }
      setServerError(r.message);
      toast.error(r.message);
      return;
    }
    form.reset(values);
    toast.success(r.message ?? "Billing details saved.");
  }

  return (
    <Card
      id="billing-details"
      title="Billing details"
      description={details ? "Printed on every new invoice and sent to Stripe." : "Add your company's legal name, address and tax ID to your invoices."}
    >
      <form onSubmit={form.handleSubmit(onSubmit)} noValidate aria-describedby={disabledReason ? "billing-details-disabled-reason" : undefined}>
        {disabledReason ? (
          <p id="billing-details-disabled-reason" className="mb-4 rounded-md bg-slate-100 px-3 py-2 text-sm text-slate-700">
            {disabledReason}
          </p>
        ) : null}
        <fieldset disabled={disabled} className="grid gap-4 sm:grid-cols-2">
          <legend className="sr-only">Billing details</legend>
          <div className="sm:col-span-2">
            <Field id="bd-legal-name" label="Legal name" autoComplete="organization" error={errors.legalName?.message} {...form.register("legalName")} />
          </div>
          <Field id="bd-line1" label="Address line 1" autoComplete="address-line1" error={errors.line1?.message} {...form.register("line1")} />
          <Field id="bd-line2" label="Address line 2 (optional)" autoComplete="address-line2" error={errors.line2?.message} {...form.register("line2")} />
          <Field id="bd-city" label="City" autoComplete="address-level2" error={errors.city?.message} {...form.register("city")} />
          <Field id="bd-postal-code" label="Postal code" autoComplete="postal-code" error={errors.postalCode?.message} {...form.register("postalCode")} />
          <Field id="bd-state" label="State or region (optional)" autoComplete="address-level1" error={errors.state?.message} {...form.register("state")} />
          <Field
            id="bd-country"
            label="Country"
            autoComplete="country"
            maxLength={2}
            placeholder="DE"
            hint="Two-letter ISO code (DE, GB, US, AU…)"
            error={errors.country?.message}
            {...form.register("country")}
          />
          <div className="space-y-1">
            <label htmlFor="bd-tax-id-type" className="block text-sm font-medium text-slate-800">
              Tax ID type
            </label>
            <select
              id="bd-tax-id-type"
              className="w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm disabled:cursor-not-allowed disabled:bg-slate-100 disabled:text-slate-600"
              aria-invalid={errors.taxIdType ? true : undefined}
              aria-describedby={errors.taxIdType ? "bd-tax-id-type-error" : undefined}
              {...form.register("taxIdType")}
            >
              <option value="">No tax ID</option>
              {Object.entries(TAX_ID_TYPES).map(([type, spec]) => (
                <option key={type} value={type}>
                  {spec.label}
                </option>
              ))}
            </select>
            {errors.taxIdType ? (
              <p id="bd-tax-id-type-error" className="text-xs font-medium text-red-700">
                {errors.taxIdType.message}
              </p>
            ) : null}
          </div>
          <Field
            id="bd-tax-id-value"
            label="Tax ID"
            placeholder={example ?? "—"}
            hint={example ? `For example ${example}` : "Choose a type first"}
            error={errors.taxIdValue?.message}
            {...form.register("taxIdValue")}
          />
        </fieldset>
        {serverError ? (
          <p role="alert" className="mt-4 text-sm font-medium text-red-700">
            {serverError}
          </p>
        ) : null}
        {disabled ? null : (
          <div className="mt-5 flex justify-end">
            <Button type="submit" disabled={form.formState.isSubmitting || !form.formState.isDirty}>
              {form.formState.isSubmitting ? "Saving…" : "Save billing details"}
            </Button>
          </div>
        )}
      </form>
    </Card>
  );
}
