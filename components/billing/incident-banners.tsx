"use client";

import Link from "next/link";
import { useOptimistic, useTransition } from "react";
import { notify as toast } from "./notify";
import type { IncidentKind } from "@/lib/billing/incident-actions";
import { Alert } from "@/components/ui/alert";
import { Button, buttonClass } from "@/components/ui/button";
import { formatDateTime } from "@/lib/format";
import type { ActionResult } from "@/lib/actions/action-result";

export interface IncidentBanner {
  id: string;
  kind: IncidentKind;
  message: string;
  createdAt: string;
  /** the action that fixes it */
  fix: { label: string; href: string } | null;
}

const titles: Record<IncidentKind, string> = {
  no_payment_method: "No payment method set for automatic top-offs",
  card_declined: "Your card was declined",
  verification_needed: "Verification needed",
  internal_error: "An internal error occurred",
  disabled_after_failures: "Auto-recharge disabled after multiple failed payment attempts",
  spending_limit_reached: "Monthly spending limit reached",
  monthly_cap_reached: "Monthly auto-reload limit reached",
  credits_taken_back: "Credits taken back for a refunded or disputed payment",
};

export type DismissAction = (incidentId: string) => Promise<ActionResult>;

/** One banner per open billing incident: the specific reason, the fix, and a dismiss button of its own. */
export function IncidentBanners({
  incidents,
  dismissAction,
  canDismiss,
  timeZone,
}: {
  incidents: IncidentBanner[];
  dismissAction: DismissAction;
  canDismiss: boolean;
  /** the org's IANA time zone: banner times read like every other time on the page */
  timeZone: string;
}) {
  const [visible, hide] = useOptimistic(incidents, (list, id: string) => list.filter((i) => i.id !== id));
  const [, start] = useTransition();
  if (visible.length === 0) return null;
  return (
    <div className="space-y-3" aria-label="Billing alerts" role="region">
      {visible.map((i) => (
        <Alert
          key={i.id}
          tone={i.kind === "spending_limit_reached" || i.kind === "monthly_cap_reached" ? "warning" : "danger"}
          title={titles[i.kind]}
          testId={`incident-${i.kind}`}
          actions={
            <>
              {i.fix ? (
                <Link href={i.fix.href} className={buttonClass("secondary", "py-1.5")}>
                  {i.fix.label}
                </Link>
              ) : null}
              <Button
                variant="ghost"
                className="py-1.5"
                disabled={!canDismiss}
                title={canDismiss ? undefined : "Only the organization owner can dismiss billing alerts."}
                aria-label={`Dismiss: ${titles[i.kind]}`}
                onClick={() =>
                  start(async () => {
                    hide(i.id);
                    const r = await dismissAction(i.id);
                    if (!r.ok) toast.error(r.message);
                  })
                }
              >
                Dismiss
              </Button>
            </>
          }
        >
          <p>{i.message}</p>
          <p className="mt-0.5 text-xs opacity-80">{formatDateTime(i.createdAt, timeZone)}</p>
        </Alert>
      ))}
    </div>
  );
}
