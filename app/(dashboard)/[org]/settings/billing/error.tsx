"use client";

import { Button } from "@/components/ui/button";

/** The Billing page could not load: say so and offer a retry (details stay in the server logs). */
export default function BillingError({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div role="alert" className="rounded-xl border border-red-200 bg-white p-6 text-center">
      <h1 className="text-lg font-semibold text-slate-900">We couldn't load your billing details</h1>
      <p className="mt-1 text-sm text-slate-600">Your credits and settings are safe. Please try again in a moment.</p>
      <Button className="mt-4" onClick={reset}>
        Try again
      </Button>
    </div>
  );
}
