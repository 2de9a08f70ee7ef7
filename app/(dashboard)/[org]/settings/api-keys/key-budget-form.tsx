"use client";

import { useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import type { BudgetPeriod } from "@/lib/billing/key-budget";
import { setKeyBudgetAction } from "./actions/set-key-budget";

/** The owner's budget editor for one key: credits per day / week / month, in UTC or the org's time zone. */
export function KeyBudgetForm(p: {
  orgSlug: string;
  keyId: string;
  keyName: string;
  orgTimeZone: string;
  budget: { credits: number; period: BudgetPeriod; timeZone: string } | null;
}) {
  const [credits, setCredits] = useState(p.budget ? String(p.budget.credits) : "");
  const [period, setPeriod] = useState<BudgetPeriod>(p.budget?.period ?? "day");
  const [timeZone, setTimeZone] = useState(p.budget?.timeZone ?? p.orgTimeZone);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const zones = [...new Set(["UTC", p.orgTimeZone, timeZone])];
  const errorId = `budget-error-${p.keyId}`;

  const save = (value: number | null) =>
    start(async () => {
      const res = await setKeyBudgetAction(p.orgSlug, {
        keyId: p.keyId,
        budget: value === null ? { credits: null } : { credits: value, period, time_zone: timeZone },
      });
      if (!res.ok) {
        setError(res.message);
        return;
      }
      setError(null);
      if (value === null) setCredits("");
      toast.success(value === null ? "Budget removed." : "Budget saved.");
    });

  return (
    <form
      className="flex flex-wrap items-end gap-2"
      aria-label={`Budget for ${p.keyName}`}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const n = Number(credits);
        if (credits.trim() === "" || !Number.isInteger(n) || n < 1 || n > 1e12) {
          setError("Budget: a whole number of credits between 1 and 1,000,000,000,000.");
          return;
        }
        save(n);
      }}
    >
      <label className="text-sm">
        <span className="block text-slate-700">Budget (credits)</span>
        <input
          inputMode="numeric"
          value={credits}
          onChange={(e) => setCredits(e.target.value)}
          aria-invalid={!!error}
          aria-describedby={error ? errorId : undefined}
          className="mt-1 w-32 rounded-md border border-slate-300 px-2 py-1.5 text-sm"
        />
      </label>
      <label className="text-sm">
        <span className="block text-slate-700">per</span>
        <select
          value={period}
          onChange={(e) => setPeriod(e.target.value as BudgetPeriod)}
          className="mt-1 rounded-md border border-slate-300 px-2 py-1.5 text-sm"
        >
          <option value="day">day</option>
          <option value="week">week (from Monday)</option>
          <option value="month">month</option>
        </select>
      </label>
      <label className="text-sm">
        <span className="block text-slate-700">time zone</span>
        <select value={timeZone} onChange={(e) => setTimeZone(e.target.value)} className="mt-1 rounded-md border border-slate-300 px-2 py-1.5 text-sm">
          {zones.map((z) => (
            <option key={z} value={z}>
              {z === p.orgTimeZone && z !== "UTC" ? `${z} (organization)` : z}
            </option>
          ))}
        </select>
      </label>
      <Button type="submit" disabled={pending}>
        {p.budget ? "Save budget" : "Set budget"}
      </Button>
      {p.budget ? (
        <Button type="button" variant="secondary" disabled={pending} onClick={() => save(null)}>
          Remove budget
        </Button>
      ) : null}
      {error ? (
        <p id={errorId} role="alert" className="w-full text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </form>
  );
}
