"use client";

import { useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { resendDeliveryAction } from "./actions/resend-delivery";

export function ResendButton({
  orgSlug,
  deliveryId,
  eventType,
  disabledReason,
}: {
  orgSlug: string;
  deliveryId: string;
  eventType: string;
  disabledReason?: string;
}) {
  const [pending, start] = useTransition();
  return (
    <Button
      variant="ghost"
      className="px-2 py-1"
      disabled={!!disabledReason || pending}
      title={disabledReason}
      aria-label={`Resend ${eventType}`}
      onClick={() =>
        start(async () => {
          const res = await resendDeliveryAction(orgSlug, deliveryId);
          if (res.ok) toast.success("Queued for delivery.");
          else toast.error(res.message);
        })
      }
    >
      Resend
    </Button>
  );
}
