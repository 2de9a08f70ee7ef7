import { E2E } from "./config";

/**
 * Resolves once the e2e stack's stripe-emulator has answered every webhook it queued (its delivery log is
 * idle: none queued, in flight or waiting for a retry) — the signal to wait on before asserting that no
 * webhook changed anything. Throws after `timeoutMs`.
 */
export async function webhooksIdle(timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    // `event_id=-` matches no delivery: the answer carries only the `idle` flag
    const res = await fetch(`${E2E.emulatorUrl}/_emulator/deliveries?event_id=-`);
    if (!res.ok) throw new Error(`emulator deliveries: ${res.status}`);
    if (((await res.json()) as { idle: boolean }).idle) return;
    if (Date.now() > until) throw new Error(`emulator webhooks not idle after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
