import type { Metadata } from "next";
import { getDb } from "@/db/client";
import { AutoRefresh } from "@/components/billing/auto-refresh";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { requireMember } from "@/lib/auth/guards";
import { formatDate, formatDateTime } from "@/lib/format";
import { listDeliveries, type DeliveryAttemptView, type DeliveryView } from "@/lib/webhooks-out/delivery-log";
import { OWNER_ONLY_WEBHOOKS } from "@/lib/webhooks-out/endpoint-schema";
import { listEndpoints } from "@/lib/webhooks-out/endpoints";
import { AddEndpointForm } from "./add-endpoint-form";
import { EndpointActions } from "./endpoint-actions";
import { ResendButton } from "./resend-button";

export const metadata: Metadata = { title: "Developers" };

/** Rows of the delivery log shown (newest deliveries first; every attempt of each). */
const LOG_DELIVERIES = 50;

const statusTone = { succeeded: "success", failed: "danger", pending: "warning" } as const;

interface LogRow {
  d: DeliveryView;
  a: DeliveryAttemptView | null;
  /** the delivery's newest row (where Resend and the next retry show) */
  latest: boolean;
}

function logRows(deliveries: DeliveryView[]): LogRow[] {
  return deliveries.flatMap((d): LogRow[] => {
    if (d.attempts.length === 0) return [{ d, a: null, latest: true }];
    return [...d.attempts].reverse().map((a, i) => ({ d, a, latest: i === 0 }));
  });
}

export default async function DevelopersPage({ params }: { params: Promise<{ org: string }> }) {
  const { org: slug } = await params;
  const ctx = await requireMember(slug);
  const db = getDb();
  const [endpoints, log] = await Promise.all([listEndpoints(db, ctx.org.id), listDeliveries(db, ctx.org.id, { limit: LOG_DELIVERIES })]);
  const deliveries = log?.items ?? [];
  const isOwner = ctx.role === "owner";
  const denied = isOwner ? undefined : OWNER_ONLY_WEBHOOKS;
  const tz = ctx.org.timeZone;
  const inFlight = deliveries.some((d) => d.status === "pending" && d.attempts.length === 0);
  return (
    <div className="space-y-6">
      {inFlight ? <AutoRefresh everyMs={1500} forMs={30_000} /> : null}
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Developers</h1>
        <p className="text-sm text-slate-600">
          Webhooks tell your product when credits, recharges and limits change. Each event is POSTed as JSON, signed per{" "}
          <a className="text-brand-700 underline underline-offset-2" href="https://www.standardwebhooks.com/">
            Standard Webhooks
          </a>
          , at least once: de-duplicate by its <code className="font-mono">webhook-id</code>.
        </p>
      </div>
      <Card
        id="add-endpoint"
        title="Add a webhook endpoint"
        description="The signing secret is shown once. Failed deliveries are retried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h."
      >
        <AddEndpointForm orgSlug={slug} disabledReason={denied} />
      </Card>
      <Card id="endpoints" title="Endpoints">
        {endpoints.length === 0 ? (
          <p className="py-6 text-center text-sm text-slate-600">No webhook endpoints yet.</p>
        ) : (
          <ul className="divide-y divide-slate-100" aria-label="Webhook endpoints">
            {endpoints.map((e) => (
              <li key={e.id} className="space-y-2 py-4">
                <div className="flex flex-wrap items-center gap-2">
                  <code className="break-all font-mono text-sm font-medium text-slate-900">{e.url}</code>
                  {e.status === "enabled" ? <Badge tone="success">Enabled</Badge> : <Badge tone="danger">Disabled</Badge>}
                </div>
                <p className="text-sm text-slate-600">
                  {e.events.includes("*") ? "All events" : e.events.join(", ")} · added {formatDate(e.createdAt, tz)}
                  {e.previousSecretExpiresAt && e.previousSecretExpiresAt > new Date()
                    ? ` · previous secret valid until ${formatDateTime(e.previousSecretExpiresAt, tz)}`
                    : ""}
                </p>
                {e.status !== "enabled" && e.disabledReason ? (
                  <p className="text-sm text-red-700">
                    {e.disabledReason}
                    {e.disabledAt ? ` (${formatDateTime(e.disabledAt, tz)})` : ""}
                  </p>
                ) : null}
                {denied ? (
                  <p id={`endpoint-${e.id}-reason`} className="sr-only">
                    {denied}
                  </p>
                ) : null}
                <EndpointActions
                  orgSlug={slug}
                  endpointId={e.id}
                  url={e.url}
                  enabled={e.status === "enabled"}
                  disabledReason={denied}
                  reasonId={`endpoint-${e.id}-reason`}
                />
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card id="delivery-log" title="Delivery log" description="Every attempt, newest first.">
        {deliveries.length === 0 ? (
          <p className="py-6 text-center text-sm text-slate-600">No deliveries yet. Events appear here once an endpoint is subscribed to them.</p>
        ) : (
          <div className="relative -mx-5 overflow-x-auto">
            <table className="w-full text-left text-sm" aria-label="Webhook delivery attempts">
              <thead className="whitespace-nowrap border-b border-slate-100 text-xs uppercase tracking-wide text-slate-500">
                <tr>
                  <th className="px-5 py-2 font-medium">Time</th>
                  <th className="px-3 py-2 font-medium">Event</th>
                  <th className="px-3 py-2 font-medium">Endpoint</th>
                  <th className="px-3 py-2 font-medium">Status</th>
                  <th className="px-3 py-2 font-medium">Response</th>
                  <th className="px-3 py-2 text-right font-medium">Duration</th>
                  <th className="px-3 py-2 font-medium">Next retry</th>
                  <th className="px-5 py-2">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {logRows(deliveries).map(({ d, a, latest }) => (
                  <tr key={`${d.id}:${a?.attempt ?? 0}`} data-delivery-id={d.id}>
                    <td className="whitespace-nowrap px-5 py-2 text-slate-700">{formatDateTime(a?.attemptedAt ?? d.createdAt, tz)}</td>
                    <td className="px-3 py-2">
                      <code className="font-mono text-[13px]">{d.eventType}</code>
                      {d.resendOf ? <span className="ml-1 text-xs text-slate-500">(resend)</span> : null}
                    </td>
                    <td className="max-w-56 truncate px-3 py-2 font-mono text-[13px] text-slate-600" title={d.endpointUrl}>
                      {d.endpointUrl}
                    </td>
                    <td className="px-3 py-2">
                      {a ? (
                        <Badge tone={a.status === "succeeded" ? "success" : "danger"}>{a.status === "succeeded" ? "Succeeded" : "Failed"}</Badge>
                      ) : (
                        <Badge tone={statusTone[d.status as keyof typeof statusTone] ?? "neutral"}>{d.status === "pending" ? "Queued" : "Failed"}</Badge>
                      )}
                    </td>
                    <td className="px-3 py-2 text-slate-700" title={a?.error ?? undefined}>
                      {a ? (a.responseCode ?? <span className="text-slate-500">{a.error ?? "—"}</span>) : "—"}
                    </td>
                    <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums text-slate-700">{a ? `${a.durationMs} ms` : "—"}</td>
                    <td className="whitespace-nowrap px-3 py-2 text-slate-700">
                      {a?.nextRetryAt && latest && d.status === "pending" ? formatDateTime(a.nextRetryAt, tz) : "—"}
                    </td>
                    <td className="px-5 py-1 text-right">
                      {latest && d.status !== "pending" ? (
                        <ResendButton orgSlug={slug} deliveryId={d.id} eventType={d.eventType} disabledReason={denied} />
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </div>
  );
}
