import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { formatCredits, formatMoney } from "@/lib/billing/money";
import { formatDateTime } from "@/lib/format";
import type { PaymentRow } from "@/lib/queries/billing-page";
import { RefundButton, type RefundAction } from "./refund-button";

const kindLabel: Record<PaymentRow["kind"], string> = { auto: "Auto-recharge", manual: "Top Up Now", purchase: "Buy Credits", allocation: "Auto allocation" };
const statusTone: Record<string, "success" | "danger" | "warning" | "neutral" | "info"> = {
  succeeded: "success",
  failed: "danger",
  requires_action: "warning",
  processing: "info",
  pending: "info",
  canceled: "neutral",
  open: "neutral",
};
const statusLabel: Record<string, string> = {
  succeeded: "Succeeded",
  failed: "Failed",
  requires_action: "Needs verification",
  processing: "Processing",
  pending: "Pending",
  canceled: "Canceled",
  open: "Not completed",
};

/**
 * Recharges and purchases: date, type, credits, amount, status, failure reason, the invoice of each paid one,
 * and Refund on unused top-ups (owners; editors see it disabled with `refundDisabledReason`).
 */
export function PaymentHistory({
  rows,
  timeZone,
  verifyBase,
  invoiceBase,
  refundAction,
  refundDisabledReason,
}: {
  rows: PaymentRow[];
  timeZone: string;
  verifyBase: string;
  invoiceBase: string;
  refundAction?: RefundAction;
  refundDisabledReason?: string;
}) {
  return (
    <Card id="payments" title="Recharges & purchases" description="Auto-recharges, Top Up Now and Buy Credits, newest first.">
      {rows.length === 0 ? (
        <p className="py-6 text-center text-sm text-slate-600">No recharges or purchases yet.</p>
      ) : (
        <div className="relative -mx-5 overflow-x-auto" tabIndex={0} role="region" aria-label="Recharges and purchases (scrollable)">
          <table className="w-full min-w-[640px] text-left text-sm" aria-label="Recharges and purchases">
            <thead className="border-b border-slate-100 text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="px-5 py-2 font-medium">
                  Date
                </th>
                <th scope="col" className="px-5 py-2 font-medium">
                  Type
                </th>
                <th scope="col" className="px-5 py-2 text-right font-medium">
                  Credits
                </th>
                <th scope="col" className="px-5 py-2 text-right font-medium">
                  Amount
                </th>
                <th scope="col" className="px-5 py-2 font-medium">
                  Status
                </th>
                <th scope="col" className="px-5 py-2 font-medium">
                  <span className="sr-only">Invoice and refund</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((r) => (
                <tr key={r.id} data-testid="payment-row">
                  <td className="whitespace-nowrap px-5 py-2 text-slate-700">{formatDateTime(r.date, timeZone)}</td>
                  <td className="px-5 py-2">{kindLabel[r.kind]}</td>
                  <td className="px-5 py-2 text-right tabular-nums">{formatCredits(r.credits)}</td>
                  <td className="px-5 py-2 text-right tabular-nums">{formatMoney(r.amountCents, r.currency)}</td>
                  <td className="px-5 py-2">
                    {r.refunded ? (
                      <Badge tone="neutral">Refunded</Badge>
                    ) : (
                      <Badge tone={statusTone[r.status] ?? "neutral"}>{statusLabel[r.status] ?? r.status}</Badge>
                    )}
                    {r.failureMessage ? <p className="mt-1 max-w-xs text-xs text-red-800">{r.failureMessage}</p> : null}
                    {r.status === "requires_action" && r.attemptId ? (
                      <a className="mt-1 block text-xs font-medium text-brand-700 hover:underline" href={`${verifyBase}/${r.attemptId}`}>
                        Complete verification
                      </a>
                    ) : null}
                  </td>
                  <td className="whitespace-nowrap px-5 py-2 text-right">
                    {r.hasInvoice ? (
                      <a
                        className="text-xs font-medium text-brand-700 hover:underline"
                        href={`${invoiceBase}/${encodeURIComponent(r.id)}`}
                        target="_blank"
                        rel="noopener"
                        aria-label={`Invoice for the ${kindLabel[r.kind]} of ${formatDateTime(r.date, timeZone)}`}
                        data-testid="invoice-link"
                      >
                        Invoice
                      </a>
                    ) : null}
                    {r.refundable ? (
                      <span className="ml-2 inline-block align-middle">
                        <RefundButton
                          purchaseId={r.id}
                          credits={r.credits}
                          amountCents={r.amountCents}
                          currency={r.currency}
                          action={refundAction}
                          disabledReason={refundDisabledReason}
                        />
                      </span>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
