import type { Metadata } from "next";
import { getDb } from "@/db/client";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { requireMember } from "@/lib/auth/guards";
import { formatCredits } from "@/lib/billing/money";
import { getPlan } from "@/lib/billing/plans";
import { agencyCardLabel, listSubAccounts, type SubAccountRow } from "@/lib/queries/sub-accounts";
import { RetryButton } from "@/components/billing/retry-button";
import { retryAllocationAction } from "./actions/retry-allocation";
import { AllocationDialog } from "./allocation-dialog";

export const metadata: Metadata = { title: "Sub-accounts" };

const AUTO_RECHARGE: Record<SubAccountRow["autoRecharge"], { tone: "success" | "neutral" | "danger"; label: string }> = {
  on: { tone: "success", label: "Auto-recharge on" },
  off: { tone: "neutral", label: "Auto-recharge off" },
  disabled: { tone: "danger", label: "Auto-recharge disabled" },
};

/** The agency's sub-accounts: read-only monitoring for every member; the owner manages each auto allocation. */
export default async function SubAccountsPage({ params }: { params: Promise<{ org: string }> }) {
  const { org: slug } = await params;
  const ctx = await requireMember(slug);
  const db = getDb();
  const [subs, card] = await Promise.all([listSubAccounts(db, ctx.org.id), agencyCardLabel(db, ctx.org.id)]);
  const isOwner = ctx.role === "owner";
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Sub-accounts</h1>
        <p className="text-sm text-slate-600">
          Each sub-account has its own owners, balance, plan and auto-recharge; the agency monitors them. An auto allocation buys minutes every calendar month
          (the sub-account&apos;s time zone) on the agency&apos;s card — the agency&apos;s own plan credits are never transferred.
        </p>
      </div>
      {!isOwner ? (
        <p role="note" className="rounded-md border border-slate-200 bg-white px-4 py-3 text-sm text-slate-700">
          Only the agency&apos;s owner can manage auto allocations.
        </p>
      ) : null}
      <Card id="sub-accounts" title="Sub-accounts">
        {subs.length === 0 ? (
          <p className="py-6 text-center text-sm text-slate-600">This organization has no sub-accounts.</p>
        ) : (
          <ul className="divide-y divide-slate-100" aria-label="Sub-accounts">
            {subs.map((s) => (
              <li key={s.id} className="flex flex-wrap items-start justify-between gap-3 py-3" data-testid={`sub-account-${s.slug}`}>
                <div className="min-w-0 flex-1 space-y-1">
                  <p className="font-medium">
                    {s.name} <Badge>{getPlan(s.plan).name}</Badge>{" "}
                    <Badge tone={AUTO_RECHARGE[s.autoRecharge].tone}>{AUTO_RECHARGE[s.autoRecharge].label}</Badge>
                  </p>
                  <p className="text-sm text-slate-600">
                    Balance {formatCredits(s.balance)} credits · used this month {formatCredits(s.usedThisMonth)} credits
                  </p>
                  <p className="text-sm text-slate-600" data-testid={`allocation-${s.slug}`}>
                    {s.allocation.basicMinutes + s.allocation.premiumMinutes === 0
                      ? "No auto allocation"
                      : `Auto allocation: ${formatCredits(s.allocation.basicMinutes)} Basic + ${formatCredits(s.allocation.premiumMinutes)} Premium minutes / month`}
                    {s.lastAllocation ? ` · ${s.lastAllocation.period}: ${s.lastAllocation.status}` : ""}
                  </p>
                  {s.declinedThisMonth ? (
                    <p className="text-sm text-red-700" data-testid={`allocation-declined-${s.slug}`}>
                      This month&apos;s charge on the agency&apos;s card was declined; nothing was credited.{" "}
                      {isOwner
                        ? "Update the card on the Billing page (that retries it once automatically) or retry now."
                        : "Only the agency's owner can retry it."}
                    </p>
                  ) : null}
                  {isOwner && s.declinedThisMonth ? <RetryButton action={retryAllocationAction.bind(null, slug, s.id)} /> : null}
                </div>
                {isOwner ? <AllocationDialog orgSlug={slug} sub={{ id: s.id, name: s.name, plan: s.plan, ...s.allocation }} cardLabel={card} /> : null}
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
