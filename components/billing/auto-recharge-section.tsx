import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { formatDateTime } from "@/lib/format";
import { formatCredits, formatMoney } from "@/lib/billing/money";
import type { AutoRechargeStatus } from "@/lib/billing/auto-recharge-status";
import { AutoRechargeForm, type AutoRechargeFormContext, type SaveAutoRechargeAction } from "./auto-recharge-form";
import { CapUsage } from "./cap-usage";
import { RetryButton } from "./retry-button";
import type { AutoRechargeFormInput } from "@/lib/billing/auto-recharge-schema";
import { describeStatus } from "@/lib/billing/status-text";
import type { PackPricing } from "@/lib/billing/money";
import type { PlanId } from "@/lib/billing/plans";

export interface AutoRechargeSectionProps {
  planId: PlanId;
  autoRechargeAllowed: boolean;
  pricing: PackPricing;
  settings: AutoRechargeFormInput;
  status: AutoRechargeStatus;
  /** the recharge in flight waits for Stripe to confirm its outcome */
  rechargeUnconfirmed?: boolean;
  rechargesThisMonth: number;
  spendThisMonthCents: number;
  monthEndsAt: Date;
  lastRechargedAt: Date | null;
  /** the most recent auto-recharge attempt, when it did not succeed (why the last one failed) */
  lastProblem: { date: Date; label: string; message: string | null } | null;
  timeZone: string;
  balanceTotal: number;
  suggestedThreshold: number;
  /** why that number, e.g. "your peak of 700 credits/s for 0.45 s, 3× the time a recharge takes" */
  suggestedReason?: string;
  /** "Recharging early: at 700 credits/s your 100-credit threshold lasts 0.14 s." while the burn rate moves the trigger point */
  earlyRechargeMessage?: string | null;
  maxRechargesCeiling: number;
  upgradeHref: string;
  action: SaveAutoRechargeAction;
  disabledReason?: string;
  /** the saved settings and card: the consent the change needs and the pre-save preview */
  formContext: Omit<AutoRechargeFormContext, "spendThisMonthCents" | "rechargesThisMonth">;
  /** back-off after a decline: when the next automatic try is */
  retryAt?: Date | null;
  /** owner's "Retry now" during the back-off */
  retryAction?: () => Promise<unknown>;
}

/** Auto-Recharge: status in words, the rate, the monthly counter, "Last recharged", and the settings form. */
export function AutoRechargeSection(p: AutoRechargeSectionProps) {
  const s = describeStatus(p.status, { monthEndsAt: p.monthEndsAt, timeZone: p.timeZone, unconfirmed: p.rechargeUnconfirmed, retryAt: p.retryAt });
  return (
    <Card
      id="auto-recharge"
      title="Auto-Recharge"
      description="Keep your balance topped up automatically so usage is never refused."
      actions={
        <span data-testid="auto-recharge-status">
          <Badge tone={s.tone}>{s.label}</Badge>
        </span>
      }
    >
      {!p.autoRechargeAllowed ? (
        <div className="flex flex-col items-start gap-3 rounded-lg border border-dashed border-slate-300 px-4 py-5 sm:flex-row sm:items-center sm:justify-between">
          <div>
            <p className="font-medium text-slate-900" data-testid="auto-recharge-unavailable">
              Auto-reload not available on Free plan
            </p>
            <p className="text-sm text-slate-600">Upgrade to Starter or Pro to recharge automatically at a lower rate ({p.pricing.packPriceLabel} now).</p>
          </div>
          <Link href={p.upgradeHref} className="text-sm font-semibold text-brand-700 underline-offset-2 hover:underline">
            Upgrade plan →
          </Link>
        </div>
      ) : (
        <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_18rem]">
          <div>
            <p className="mb-4 text-sm text-slate-700" data-testid="auto-recharge-status-detail">
              {s.detail}
            </p>
            {p.status === "backing_off" && p.retryAction ? <RetryButton action={p.retryAction} /> : null}
            {p.earlyRechargeMessage ? (
              <p className="mb-4 text-sm text-slate-700" data-testid="early-recharge">
                {p.earlyRechargeMessage}
              </p>
            ) : null}
            <AutoRechargeForm
              planId={p.planId}
              pricing={p.pricing}
              initial={p.settings}
              balanceTotal={p.balanceTotal}
              suggestedThreshold={p.suggestedThreshold}
              suggestedReason={p.suggestedReason}
              maxRechargesCeiling={p.maxRechargesCeiling}
              action={p.action}
              disabledReason={p.disabledReason}
              context={{ ...p.formContext, spendThisMonthCents: p.spendThisMonthCents, rechargesThisMonth: p.rechargesThisMonth }}
            />
          </div>
          <aside className="space-y-4 rounded-lg bg-slate-50 p-4" aria-label="Auto-recharge summary">
            <div>
              <p className="text-xs font-medium uppercase tracking-wide text-slate-500">Rate</p>
              <p className="text-sm font-medium text-slate-900" data-testid="auto-recharge-rate">
                {p.pricing.packPriceLabel}
              </p>
            </div>
            <div data-testid="next-recharge">
              <p className="text-xs font-medium uppercase tracking-wide text-slate-500">Next recharge</p>
              <p className="text-sm text-slate-900">
                {p.status === "active" || p.status === "recharging"
                  ? p.settings.rechargeTo
                    ? `When your balance falls below ${formatCredits(p.settings.threshold)} credits: back up to at least ${formatCredits(p.settings.rechargeTo)} credits (whole packs of ${formatMoney(p.pricing.packPriceCents, p.pricing.currency)})`
                    : `When your balance falls below ${formatCredits(p.settings.threshold)} credits: +${formatCredits(p.settings.rechargePacks * p.pricing.packCredits)} credits for ${formatMoney(p.settings.rechargePacks * p.pricing.packPriceCents, p.pricing.currency)}`
                  : "None scheduled while auto-recharge is not active"}
              </p>
            </div>
            <CapUsage used={p.rechargesThisMonth} cap={p.settings.maxRechargesPerMonth} />
            <div data-testid="spend-this-month">
              <p className="text-xs font-medium uppercase tracking-wide text-slate-500">Spent on auto-recharge this month</p>
              <p className="text-sm text-slate-900">
                {formatMoney(p.spendThisMonthCents, p.pricing.currency)}
                {p.settings.monthlyLimitCents !== null ? ` of ${formatMoney(p.settings.monthlyLimitCents, p.pricing.currency)} limit` : " (no limit)"}
              </p>
            </div>
            <div>
              <p className="text-xs font-medium uppercase tracking-wide text-slate-500">Last recharged</p>
              <p className="text-sm text-slate-900" data-testid="last-recharged">
                {p.lastRechargedAt ? formatDateTime(p.lastRechargedAt, p.timeZone) : "Never"}
              </p>
            </div>
            {p.lastProblem ? (
              <div data-testid="last-attempt-problem">
                <p className="text-xs font-medium uppercase tracking-wide text-slate-500">Last attempt</p>
                <p className="text-sm font-medium text-red-800">
                  {p.lastProblem.label} · {formatDateTime(p.lastProblem.date, p.timeZone)}
                </p>
                {p.lastProblem.message ? <p className="text-xs text-slate-700">{p.lastProblem.message}</p> : null}
              </div>
            ) : null}
          </aside>
        </div>
      )}
    </Card>
  );
}
