import Link from "next/link";
import { Card } from "@/components/ui/card";
import { formatCredits, formatDateTime } from "@/lib/format";
import type { LedgerPage } from "@/lib/queries/ledger-history";

const kindLabels: Record<string, string> = {
  usage: "Usage",
  plan_grant: "Plan credits granted",
  plan_expire: "Plan credits expired",
  purchase: "Credits purchased",
  top_up: "Top up",
  auto_recharge: "Auto-recharge",
  adjustment: "Adjustment",
  refund: "Refund",
  dispute: "Disputed charge",
  dispute_reversal: "Dispute won",
  allocation: "Agency allocation",
};

/** The ledger, newest first, with "Older entries" keyset paging via `?before=<id>`. */
export function LedgerHistory({ page, basePath, timeZone, exportHref }: { page: LedgerPage; basePath: string; timeZone: string; exportHref?: string }) {
  return (
    <Card
      id="ledger"
      title="Ledger"
      description="Every change to your balance, newest first."
      actions={
        exportHref ? (
          <a className="text-sm font-medium text-brand-700 hover:underline" href={exportHref}>
            Export CSV
          </a>
        ) : undefined
      }
    >
      {page.entries.length === 0 ? (
        <p className="py-6 text-center text-sm text-slate-600">No ledger entries yet.</p>
      ) : (
        <div className="relative -mx-5 overflow-x-auto" tabIndex={0} role="region" aria-label="Ledger entries (scrollable)">
          <table className="w-full min-w-[560px] text-left text-sm" aria-label="Ledger entries">
            <thead className="border-b border-slate-100 text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="px-5 py-2 font-medium">
                  Date
                </th>
                <th scope="col" className="px-5 py-2 font-medium">
                  Type
                </th>
                <th scope="col" className="px-5 py-2 font-medium">
                  Pool
                </th>
                <th scope="col" className="px-5 py-2 text-right font-medium">
                  Credits
                </th>
                <th scope="col" className="px-5 py-2 text-right font-medium">
                  Pool balance
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {page.entries.map((e) => (
                <tr key={e.id}>
                  <td className="whitespace-nowrap px-5 py-2 text-slate-700">{formatDateTime(e.createdAt, timeZone)}</td>
                  <td className="px-5 py-2">{kindLabels[e.kind] ?? e.kind}</td>
                  <td className="px-5 py-2 text-slate-600">{e.pool === "plan" ? "Plan" : "Top-up"}</td>
                  <td className={`px-5 py-2 text-right tabular-nums ${e.delta < 0 ? "text-slate-900" : "text-emerald-700"}`}>
                    {e.delta > 0 ? "+" : "−"}
                    {formatCredits(Math.abs(e.delta))}
                  </td>
                  <td className="px-5 py-2 text-right tabular-nums text-slate-600">{formatCredits(e.balanceAfter)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="mt-3 flex justify-end gap-2">
        {page.nextBefore ? (
          <Link className="text-sm font-medium text-brand-700 hover:underline" href={`${basePath}?before=${page.nextBefore}#ledger`}>
            Older entries →
          </Link>
        ) : null}
      </div>
    </Card>
  );
}
