import type { ReactNode } from "react";
import { Card } from "@/components/ui/card";
import { formatCredits, formatDate } from "@/lib/format";

export interface CreditsTileProps {
  planCredits: number;
  topupCredits: number;
  planAllotment: number;
  planResetsAt: Date | null;
  timeZone: string;
  /** credits below zero (a top-up pool overdraft taken under grace), 0 when none */
  overdraft?: number;
  /** the overdraft allowed now while a recharge is in flight (open grace), 0 when none */
  graceCredits?: number;
  /** credits reserved by active holds (calls in progress) */
  heldCredits?: number;
  /** owner controls (Buy Credits, Top Up Now); editors get none */
  actions?: ReactNode;
}

/** Total balance, plan credits "X of Y left, resets on …", top-up credits "never expire". */
export function CreditsTile({
  planCredits,
  topupCredits,
  planAllotment,
  planResetsAt,
  timeZone,
  overdraft = 0,
  graceCredits = 0,
  heldCredits = 0,
  actions,
}: CreditsTileProps) {
  const total = planCredits + topupCredits;
  return (
    <Card id="credits" title="Credits" description="Plan credits are used first, then top-up credits." actions={actions}>
      <div className="grid gap-6 sm:grid-cols-3">
        <div>
          <p className="text-sm text-slate-600">Total balance</p>
          <p className="mt-1 text-3xl font-semibold tabular-nums" data-testid="total-balance">
            {formatCredits(total)}
          </p>
          <p className="text-sm text-slate-500">credits</p>
        </div>
        <div>
          <p className="text-sm text-slate-600">Plan credits</p>
          <p className="mt-1 text-xl font-semibold tabular-nums" data-testid="plan-credits">
            {formatCredits(planCredits)} <span className="text-base font-normal text-slate-500">of {formatCredits(planAllotment)} left</span>
          </p>
          <p className="text-sm text-slate-500">{planResetsAt ? `Resets on ${formatDate(planResetsAt, timeZone)}` : "No active billing period"}</p>
        </div>
        <div>
          <p className="text-sm text-slate-600">Top-up credits</p>
          <p className="mt-1 text-xl font-semibold tabular-nums" data-testid="topup-credits">
            {formatCredits(topupCredits)}
          </p>
          <p className="text-sm text-slate-500">Never expire</p>
        </div>
      </div>
      {overdraft > 0 || graceCredits > 0 || heldCredits > 0 ? (
        <ul className="mt-5 space-y-2 border-t border-slate-100 pt-4 text-sm" data-testid="balance-notes">
          {graceCredits > 0 ? (
            <li className="text-amber-800" data-testid="grace-note">
              <span className="font-medium">Grace:</span> a recharge is on its way, so usage may continue up to {formatCredits(graceCredits)} credits below zero
              {overdraft > 0 ? ` (${formatCredits(overdraft)} used)` : ""}. The recharge covers it when it lands.
            </li>
          ) : overdraft > 0 ? (
            <li className="font-medium text-red-700" data-testid="overdraft-note">
              Overdraft: {formatCredits(overdraft)} credits. The last recharge failed after usage had drawn on it, so usage is refused until the balance is
              positive again. Your next purchase pays the overdraft first.
            </li>
          ) : null}
          {heldCredits > 0 ? (
            <li className="text-slate-700" data-testid="held-note">
              {formatCredits(heldCredits)} credits are held for calls in progress; they are released or captured when the calls end.
            </li>
          ) : null}
        </ul>
      ) : null}
    </Card>
  );
}
