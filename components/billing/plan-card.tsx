import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { formatMoney, formatPackPrice } from "@/lib/billing/money";
import { PLANS, type Plan } from "@/lib/billing/plans";
import { formatDate } from "@/lib/format";
import type { SubscriptionSummary } from "@/lib/queries/billing-page";
import { RedirectButton, type RedirectAction } from "./redirect-button";

/** Plan: name, price, renewal date; Upgrade to Starter / Pro (Free, through Checkout) or Manage plan (paid, the Billing Portal). */
export function PlanCard({
  plan,
  subscription,
  timeZone,
  upgradeActions,
  manageAction,
  disabledReason,
}: {
  plan: Plan;
  subscription: SubscriptionSummary | null;
  timeZone: string;
  /** one Checkout action per paid plan (owners only) */
  upgradeActions?: { starter: RedirectAction; pro: RedirectAction };
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
            <div className="flex flex-col gap-3 sm:flex-row sm:flex-wrap sm:items-start">
              {(["starter", "pro"] as const).map((id) => (
                <div key={id} className="flex flex-col items-start gap-1">
                  <RedirectButton
                    label={`Upgrade to ${PLANS[id].name}`}
                    variant={id === "starter" ? "primary" : "secondary"}
                    action={upgradeActions?.[id]}
                    describedBy={disabledReason ? "upgrade-reason" : undefined}
                    testId={`upgrade-${id}`}
                  />
                  <span className="text-xs text-slate-600" data-testid={`upgrade-${id}-terms`}>
                    {formatMoney(PLANS[id].monthlyPriceCents)}/month · {PLANS[id].monthlyCredits.toLocaleString("en-US")} credits a month · extra{" "}
                    {formatPackPrice(PLANS[id])}
                  </span>
                </div>
              ))}
              {disabledReason ? (
                <span id="upgrade-reason" className="text-xs text-slate-600 sm:basis-full">
                  {disabledReason}
                </span>
              ) : null}
            </div>
          ) : (
            <RedirectButton label="Manage plan" action={manageAction} disabledReason={disabledReason} testId="manage-plan" />
          )}
        </div>
      </div>
    </Card>
  );
}
