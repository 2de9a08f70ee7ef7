"use client";

import { useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { deleteEndpointAction } from "./actions/delete-endpoint";
import { rotateEndpointSecretAction } from "./actions/rotate-endpoint-secret";
import { setEndpointEnabledAction } from "./actions/set-endpoint-enabled";
import { SecretOnce } from "./secret-once";

/** Rotate secret · Disable/Enable · Delete for one endpoint. Editors: disabled, with the reason as the buttons' description. */
export function EndpointActions(p: { orgSlug: string; endpointId: string; url: string; enabled: boolean; disabledReason?: string; reasonId: string }) {
  const [pending, start] = useTransition();
  const [rotated, setRotated] = useState<string | null>(null);
  const disabled = !!p.disabledReason || pending;
  const describedBy = p.disabledReason ? p.reasonId : undefined;
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap gap-2">
        <Button
          variant="secondary"
          disabled={disabled}
          aria-describedby={describedBy}
          aria-label={`Rotate the signing secret of ${p.url}`}
          onClick={() =>
            start(async () => {
              if (!window.confirm("Rotate the signing secret? The current one keeps working for 24 hours.")) return;
              const res = await rotateEndpointSecretAction(p.orgSlug, p.endpointId);
              if (res.ok) setRotated(res.secret);
              else toast.error(res.message);
            })
          }
        >
          Rotate secret
        </Button>
        <Button
          variant="secondary"
          disabled={disabled}
          aria-describedby={describedBy}
          aria-label={`${p.enabled ? "Disable" : "Enable"} ${p.url}`}
          onClick={() =>
            start(async () => {
              const res = await setEndpointEnabledAction(p.orgSlug, { endpointId: p.endpointId, enabled: !p.enabled });
              if (res.ok) toast.success(p.enabled ? "Endpoint disabled." : "Endpoint enabled.");
              else toast.error(res.message);
            })
          }
        >
          {p.enabled ? "Disable" : "Enable"}
        </Button>
        <Button
          variant="danger"
          disabled={disabled}
          aria-describedby={describedBy}
          aria-label={`Delete ${p.url}`}
          onClick={() =>
            start(async () => {
              if (!window.confirm(`Delete ${p.url} and its delivery log?`)) return;
              const res = await deleteEndpointAction(p.orgSlug, p.endpointId);
              if (res.ok) toast.success("Endpoint deleted.");
              else toast.error(res.message);
            })
          }
        >
          Delete
        </Button>
      </div>
      {rotated ? <SecretOnce label="New signing secret" secret={rotated} note="Deliveries are signed with both secrets for 24 hours." /> : null}
    </div>
  );
}
