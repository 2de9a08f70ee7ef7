"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { notify as toast } from "./notify";

/** "Retry now" during the back-off after a declined auto-recharge (owners). */
export function RetryButton({ action }: { action: () => Promise<unknown> }) {
  const [busy, setBusy] = useState(false);
  return (
    <div className="mb-4">
      <Button
        type="button"
        variant="secondary"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          const r = (await action()) as { ok: boolean; message?: string };
          setBusy(false);
          if (r.ok) toast.success(r.message ?? "Retrying now.");
          else toast.error(r.message ?? "Could not retry.");
        }}
      >
        {busy ? "Retrying…" : "Retry now"}
      </Button>
    </div>
  );
}
