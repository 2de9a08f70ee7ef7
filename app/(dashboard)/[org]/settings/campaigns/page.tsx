import type { Metadata } from "next";
import { getDb } from "@/db/client";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { requireMember } from "@/lib/auth/guards";
import { campaignMinimum, tierName } from "@/lib/billing/campaigns";
import { formatCredits } from "@/lib/billing/money";
import { OWNER_ONLY_CAMPAIGNS } from "@/lib/billing/messages";
import { listCampaigns } from "@/lib/campaigns/campaigns";
import { pausedCampaignOptions } from "@/lib/campaigns/campaigns-view";
import { formatDateTime } from "@/lib/format";
import { ResumeCampaignButton } from "./resume-campaign-button";

export const metadata: Metadata = { title: "Campaigns" };

/** The org's campaigns (registered by its product through the API) with their status; the owner resumes paused ones. */
export default async function CampaignsPage({ params }: { params: Promise<{ org: string }> }) {
  const { org: slug } = await params;
  const ctx = await requireMember(slug);
  const db = getDb();
  const [rows, paused] = await Promise.all([listCampaigns(db, ctx.org.id), pausedCampaignOptions(db, ctx.org.id, null)]);
  const isOwner = ctx.role === "owner";
  const option = new Map(paused.campaigns.map((c) => [c.id, c]));
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Campaigns</h1>
        <p className="text-sm text-slate-600">
          Your product registers campaigns with <code className="font-mono">POST /api/v1/campaigns</code>. A campaign pauses by itself when the available
          balance falls below its minimum, and stays paused until an owner resumes it.
        </p>
      </div>
      <Card title="All campaigns" description={`Available balance: ${formatCredits(paused.available)} credits`}>
        {rows.length === 0 ? (
          <p className="text-sm text-slate-600">No campaigns yet.</p>
        ) : (
          <table className="w-full text-left text-sm">
            <thead className="text-slate-600">
              <tr>
                <th className="py-2 font-medium">Name</th>
                <th className="py-2 font-medium">Tier</th>
                <th className="py-2 font-medium">Minimum</th>
                <th className="py-2 font-medium">Status</th>
                <th className="py-2 font-medium">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => {
                const o = option.get(c.id);
                return (
                  <tr key={c.id} className="border-t border-slate-100 align-top" data-testid={`campaign-row-${c.name}`}>
                    <td className="py-2 font-medium">{c.name}</td>
                    <td className="py-2">{tierName(c.tier)}</td>
                    <td className="py-2 tabular-nums">{formatCredits(campaignMinimum(ctx.org.plan, c))} credits</td>
                    <td className="py-2">
                      {c.status === "active" ? (
                        <Badge tone="success">Active</Badge>
                      ) : (
                        <>
                          <Badge tone="warning">Paused: low balance</Badge>
                          {c.pausedAt ? <span className="ml-2 text-xs text-slate-600">since {formatDateTime(c.pausedAt, ctx.org.timeZone)}</span> : null}
                        </>
                      )}
                    </td>
                    <td className="py-2 text-right">
                      {c.status === "paused" && o ? (
                        <ResumeCampaignButton
                          orgSlug={slug}
                          campaignId={c.id}
                          name={c.name}
                          disabledReason={!isOwner ? OWNER_ONLY_CAMPAIGNS : (o.reason ?? undefined)}
                        />
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}
