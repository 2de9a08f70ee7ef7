"use client";

import { useState } from "react";
import { Field } from "@/components/ui/field";

function centsToDollars(c: number | null): string {
  return c === null ? "" : (c / 100).toFixed(2);
}

/** Dollars typed by a person, cents for the schema ("" → no limit, junk → NaN so zod says why). */
export function MoneyField({
  id,
  initialCents,
  onCents,
  onBlur,
  error,
  disabled,
}: {
  id: string;
  initialCents: number | null;
  onCents: (c: number | null) => void;
  onBlur: () => void;
  error?: string;
  disabled?: boolean;
}) {
  const [text, setText] = useState(centsToDollars(initialCents));
  return (
    <Field
      id={id}
      label="Monthly spending limit (optional)"
      type="text"
      inputMode="decimal"
      placeholder="No limit"
      suffix="USD"
      value={text}
      disabled={disabled}
      hint="Auto-recharge pauses when this month's recharges would exceed it. Leave empty for no limit."
      error={error}
      onBlur={onBlur}
      onChange={(e) => {
        setText(e.target.value);
        const s = e.target.value.replace(/[$,\s]/g, "");
        if (s === "") return onCents(null);
        const n = Number(s);
        onCents(Number.isFinite(n) ? Math.round(n * 100) : Number.NaN);
      }}
    />
  );
}
