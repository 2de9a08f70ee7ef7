import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { formatMoney, formatPackPrice } from "@/lib/billing/money";
import type { Plan } from "@/lib/billing/plans";
import { formatDate } from "@/lib/format";
import type { SubscriptionSummary } from "@/lib/queries/billing-page";
import { RedirectButton, type RedirectAction } from "./redirect-button";

/** Plan: name, price, renewal date; Upgrade (Free) or Manage plan (paid). */
export function PlanCard({
  plan,
  subscription,
  timeZone,
  upgradeAction,
  manageAction,
  disabledReason,
}: {
  plan: Plan;
  subscription: SubscriptionSummary | null;
  timeZone: string;
  upgradeAction?: RedirectAction;
  manageAction?: RedirectAction;
  disabledReason?: string;
}) {
  const isFree = plan.id === "free";
  const renewal = subscription?.currentPeriodEnd ? formatDate(subscription.currentPeriodEnd, timeZone) : null;
  return (
    <Card id="plan" title="Plan">
      <div className="flex flex-col items-start gap-4">
        <div>
          <p className="flex items-center gap-2">
            <span className="text-2xl font-semibold text-slate-900" data-testid="plan-name">
              {plan.name}
            </span>
            {subscription ? <Badge tone={subscription.status === "active" ? "success" : "warning"}>{subscription.status.replace("_", " ")}</Badge> : null}
          </p>
          <p className="mt-1 text-sm text-slate-700" data-testid="plan-price">
            {isFree ? "$0 / month" : `${formatMoney(plan.monthlyPriceCents)} / month`} · {plan.monthlyCredits.toLocaleString("en-US")} plan credits each month
          </p>
          <p className="text-sm text-slate-600" data-testid="plan-renewal">
            {isFree
              ? "No subscription. Upgrade for more credits, a lower rate and auto-recharge."
              : renewal
                ? subscription?.cancelAtPeriodEnd
                  ? `Cancels on ${renewal}`
                  : `Renews on ${renewal}`
                : "No active subscription"}
          </p>
          <p className="text-sm text-slate-600">Extra credits: {formatPackPrice(plan)}</p>
        </div>
        <div>
          {isFree ? (
            <RedirectButton label="Upgrade" variant="primary" action={upgradeAction} disabledReason={disabledReason} testId="upgrade-plan" />
          ) : (
            <RedirectButton label="Manage plan" action={manageAction} disabledReason={disabledReason} testId="manage-plan" />
          )}
        </div>
      </div>
    </Card>
  );
}
