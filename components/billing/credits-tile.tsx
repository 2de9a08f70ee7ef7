import type { ReactNode } from "react";
import { Card } from "@/components/ui/card";
import { formatCredits, formatDate } from "@/lib/format";

export interface CreditsTileProps {
  planCredits: number;
  topupCredits: number;
  planAllotment: number;
  planResetsAt: Date | null;
  timeZone: string;
  /** owner controls (Buy Credits, Top Up Now); editors get none */
  actions?: ReactNode;
}

/** Total balance, plan credits "X of Y left, resets on …", top-up credits "never expire". */
export function CreditsTile({ planCredits, topupCredits, planAllotment, planResetsAt, timeZone, actions }: CreditsTileProps) {
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
    </Card>
  );
}
