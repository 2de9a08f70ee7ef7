import Link from "next/link";
import { CampaignRechargeDialog, type ResumeCampaignsAction, type ResumeOptionsAction } from "./campaign-recharge-dialog";
import type { PacksAction } from "./packs-dialog";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import type { PackPricing } from "@/lib/billing/money";

/**
 * Across the org's pages while campaigns are paused for a low balance: "N campaigns paused: low balance",
 * with Recharge for the owner (a card is needed: Top Up Now charges it); editors see why they cannot act.
 */
export function CampaignsBanner(p: {
  count: number;
  campaignsHref: string;
  /** set when the viewer cannot recharge (editors; no card on file) */
  disabledReason?: string;
  pricing: PackPricing;
  topUp: PacksAction;
  options: ResumeOptionsAction;
  resume: ResumeCampaignsAction;
}) {
  const title = `${p.count} campaign${p.count === 1 ? "" : "s"} paused: low balance`;
  return (
    <Alert
      tone="warning"
      role="status"
      testId="campaigns-banner"
      title={title}
      actions={
        p.disabledReason ? (
          <Button variant="secondary" disabled aria-describedby="campaigns-recharge-reason">
            Recharge
          </Button>
        ) : (
          <CampaignRechargeDialog pricing={p.pricing} topUp={p.topUp} options={p.options} resume={p.resume} />
        )
      }
    >
      The balance fell below what {p.count === 1 ? "it needs" : "they need"} to continue. Paused campaigns stay paused until they are resumed.{" "}
      <Link href={p.campaignsHref} className="underline">
        See campaigns
      </Link>
      {p.disabledReason ? (
        <span id="campaigns-recharge-reason" className="mt-1 block">
          {p.disabledReason}
        </span>
      ) : null}
    </Alert>
  );
}
