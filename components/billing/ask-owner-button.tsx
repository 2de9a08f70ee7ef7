"use client";

import { useState } from "react";
import { notify as toast } from "./notify";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/actions/action-result";

export type RequestTopUpAction = () => Promise<ActionResult>;

/** Editors: one click emails the org's owners asking for a top-up. */
export function AskOwnerButton({ action }: { action: RequestTopUpAction }) {
  const [state, setState] = useState<"idle" | "sending" | "sent">("idle");
  return (
    <div className="flex flex-col items-end">
      <Button
        variant="secondary"
        disabled={state !== "idle"}
        onClick={async () => {
          setState("sending");
          const r = await action();
          if (r.ok) {
            setState("sent");
            toast.success(r.message ?? "We emailed the owners of this organization.");
          } else {
            setState("idle");
            toast.error(r.message);
          }
        }}
      >
        {state === "sent" ? "Request sent ✓" : state === "sending" ? "Sending…" : "Ask an owner to top up"}
      </Button>
      {state === "sent" ? (
        <p role="status" className="mt-1 text-xs text-slate-600">
          The owners were emailed.
        </p>
      ) : null}
    </div>
  );
}
