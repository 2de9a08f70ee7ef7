"use client";

import { useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { revokeApiKeyAction } from "./actions/revoke-api-key";

export function RevokeApiKeyButton({ orgSlug, keyId, name }: { orgSlug: string; keyId: string; name: string }) {
  const [pending, start] = useTransition();
  return (
    <Button
      variant="danger"
      disabled={pending}
      aria-label={`Revoke ${name}`}
      onClick={() =>
        start(async () => {
          if (!window.confirm(`Revoke “${name}”? Requests with it will get 401 immediately.`)) return;
          const res = await revokeApiKeyAction(orgSlug, keyId);
          if (res.ok) toast.success("API key revoked.");
          else toast.error(res.message);
        })
      }
    >
      Revoke
    </Button>
  );
}
