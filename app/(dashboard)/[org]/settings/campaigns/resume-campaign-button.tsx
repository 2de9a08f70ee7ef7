"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { notify as toast } from "@/components/billing/notify";
import { Button } from "@/components/ui/button";
import { resumeCampaignsAction } from "./actions/resume-campaigns";

/** Resume one paused campaign (owner); disabled with the reason when it cannot resume (editor, balance below its minimum). */
export function ResumeCampaignButton({
  orgSlug,
  campaignId,
  name,
  disabledReason,
}: {
  orgSlug: string;
  campaignId: string;
  name: string;
  disabledReason?: string;
}) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const reasonId = `resume-reason-${campaignId}`;
  async function onClick() {
    setBusy(true);
    try {
      const r = await resumeCampaignsAction(orgSlug, { ids: [campaignId], tier: null });
      if (!r.ok) toast.error(r.message);
      else if (r.refused[0]) toast.error(r.refused[0].message);
      else toast.success(`${name} resumed.`);
      router.refresh();
    } finally {
      setBusy(false);
    }
  }
  return (
    <div className="flex flex-col items-end">
      <Button variant="secondary" disabled={busy || !!disabledReason} aria-describedby={disabledReason ? reasonId : undefined} onClick={onClick}>
        {busy ? "Resuming…" : "Resume"}
      </Button>
      {disabledReason ? (
        <p id={reasonId} className="mt-1 max-w-[18rem] text-right text-xs text-slate-600">
          {disabledReason}
        </p>
      ) : null}
    </div>
  );
}
