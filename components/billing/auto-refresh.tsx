"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/**
 * While something is landing in the background (a Checkout payment's webhook, an in-flight recharge),
 * re-reads the server component every `everyMs` for at most `forMs`. Renders nothing.
 */
export function AutoRefresh({ everyMs = 2000, forMs = 60_000 }: { everyMs?: number; forMs?: number }) {
  const router = useRouter();
  useEffect(() => {
    const started = Date.now();
    const id = setInterval(() => {
      if (Date.now() - started > forMs) return clearInterval(id);
      router.refresh();
    }, everyMs);
    return () => clearInterval(id);
  }, [router, everyMs, forMs]);
  return null;
}
