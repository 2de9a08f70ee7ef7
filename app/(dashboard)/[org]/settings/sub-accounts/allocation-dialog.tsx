"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import Link from "next/link";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import type { z } from "zod";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { allocationSchema, estimateAllocation, MAX_ALLOCATION_MINUTES, type AllocationInput } from "@/lib/billing/allocation";
import { formatCredits, formatMoney } from "@/lib/billing/money";
import { getPlan, type PlanId } from "@/lib/billing/plans";
import { saveAllocationAction } from "./actions/save-allocation";

type FormValues = z.input<typeof allocationSchema>;

/** The live estimate, or null while a field is not a whole number in range. */
function estimateOf(plan: PlanId, basic: unknown, premium: unknown) {
  const b = Number(basic);
  const p = Number(premium);
  const ok = (n: number) => Number.isInteger(n) && n >= 0 && n <= MAX_ALLOCATION_MINUTES;
  return ok(b) && ok(p) ? estimateAllocation(getPlan(plan), { basicMinutes: b, premiumMinutes: p }) : null;
}

/** Agency owner: the minutes bought every month for one sub-account, with the estimate and the card confirmed. */
export function AllocationDialog(p: {
  orgSlug: string;
  sub: { id: string; name: string; plan: PlanId; basicMinutes: number; premiumMinutes: number };
  cardLabel: string | null;
}) {
  const [open, setOpen] = useState(false);
  const [confirmed, setConfirmed] = useState(false);
  const form = useForm<FormValues, unknown, AllocationInput>({
    resolver: zodResolver(allocationSchema),
    defaultValues: { subAccountId: p.sub.id, basicMinutes: p.sub.basicMinutes, premiumMinutes: p.sub.premiumMinutes },
  });
  const { errors, isSubmitting } = form.formState;
  const estimate = estimateOf(p.sub.plan, form.watch("basicMinutes"), form.watch("premiumMinutes"));

  async function onSubmit(values: AllocationInput) {
    const res = await saveAllocationAction(p.orgSlug, values);
    if (!res.ok) {
      for (const f of ["basicMinutes", "premiumMinutes"] as const) {
        const msg = res.fieldErrors?.[f];
        if (msg) form.setError(f, { message: Array.isArray(msg) ? msg[0] : msg });
      }
      toast.error(res.message);
      return;
    }
    toast.success(`Auto allocation saved for ${p.sub.name}.`);
    setOpen(false);
    setConfirmed(false);
  }

  const field = (name: "basicMinutes" | "premiumMinutes", label: string) => (
    <div>
      <label htmlFor={`${name}-${p.sub.id}`} className="text-sm font-medium text-slate-800">
        {label}
      </label>
      <input
        id={`${name}-${p.sub.id}`}
        inputMode="numeric"
        {...form.register(name)}
        aria-invalid={!!errors[name]}
        aria-describedby={errors[name] ? `${name}-${p.sub.id}-error` : undefined}
        className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm"
      />
      {errors[name] ? (
        <p id={`${name}-${p.sub.id}-error`} className="mt-1 text-sm text-red-700">
          {errors[name]?.message}
        </p>
      ) : null}
    </div>
  );

  return (
    <Dialog
      open={open}
      onOpenChange={setOpen}
      title={`Auto allocation for ${p.sub.name}`}
      description="Minutes bought every month on the agency's card and added to this sub-account. 0 = none."
      trigger={<Button variant="secondary">Manage auto allocation</Button>}
    >
      <form onSubmit={form.handleSubmit(onSubmit)} className="space-y-4" noValidate>
        <div className="grid grid-cols-2 gap-3">
          {field("basicMinutes", "Basic minutes / month")}
          {field("premiumMinutes", "Premium minutes / month")}
        </div>
        <p role="status" aria-live="polite" data-testid="allocation-estimate" className="rounded-md bg-slate-50 px-3 py-2 text-sm text-slate-700">
          {estimate
            ? `Estimated monthly charge: ${formatMoney(estimate.amountCents, estimate.currency)} (${formatCredits(estimate.credits)} credits at current rates). Final billing occurs at runtime.`
            : "Enter whole numbers of minutes to see the estimate."}
        </p>
        {p.cardLabel ? (
          <label className="flex items-start gap-2 text-sm">
            <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} className="mt-0.5" />
            <span>
              Charge the agency&apos;s <strong>{p.cardLabel}</strong> every month for this allocation.
            </span>
          </label>
        ) : (
          <p role="note" className="text-sm text-amber-900">
            The agency has no payment method.{" "}
            <Link href={`/${p.orgSlug}/settings/billing`} className="underline">
              Add a card on the Billing page
            </Link>{" "}
            first.
          </p>
        )}
        <div className="flex justify-end">
          <Button type="submit" disabled={!p.cardLabel || !confirmed || isSubmitting}>
            {isSubmitting ? "Saving…" : "Save allocation"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
