/**
 * `npm run simulate -- --calls 10000 --concurrency 8 [--quantity 1] [--url http://localhost:3000] [--key rfk_…]`
 *
 * Drives POST /api/v1/usage like a customer's batch job (one call = one answered call / API request),
 * printing progress, auto-recharges as they land, and where it stops ("Balance depleted at call N").
 * Defaults for --url and --key come from REFILL_DATA_DIR/demo-credentials.json.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { env } from "@/lib/env";

const { values } = parseArgs({
  options: {
    calls: { type: "string", default: "10000" },
    concurrency: { type: "string", default: "8" },
    quantity: { type: "string", default: "1" },
    url: { type: "string" },
    key: { type: "string" },
  },
});
const int = (name: string, v: string | undefined, min: number) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min) {
    console.error(`--${name} must be an integer ≥ ${min}`);
    process.exit(2);
  }
  return n;
};
const calls = int("calls", values.calls, 1);
const concurrency = int("concurrency", values.concurrency, 1);
const quantity = int("quantity", values.quantity, 1);

function demoDefaults(): { apiKey?: string; appUrl?: string } {
  try {
    return JSON.parse(readFileSync(path.join(env().REFILL_DATA_DIR, "demo-credentials.json"), "utf8"));
  } catch {
    return {};
  }
}
const demo = demoDefaults();
const baseUrl = values.url ?? demo.appUrl ?? env().APP_URL;
const key = values.key ?? demo.apiKey;
if (!key) {
  console.error("No API key: pass --key, or start Refill once (npm start) so the demo key is written.");
  process.exit(2);
}

const fmt = new Intl.NumberFormat("en-US");
let next = 0;
let succeeded = 0;
let depleted = false;
let lastTotal: number | null = null;
const step = Math.max(1, Math.min(1000, Math.floor(calls / 10)));
const started = Date.now();
console.log(`Simulating ${fmt.format(calls)} calls × ${quantity} credit(s), concurrency ${concurrency} → ${baseUrl}/api/v1/usage`);

async function worker(): Promise<void> {
  while (!depleted && next < calls) {
    const n = ++next;
    const res = await fetch(`${baseUrl}/api/v1/usage`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ quantity, idempotency_key: `sim-${started}-${n}` }),
    });
    const body = (await res.json().catch(() => null)) as { balance?: { total: number }; error?: { code: string; message: string } } | null;
    if (res.status === 402) {
      if (!depleted) {
        depleted = true;
        console.log(`✖ Balance depleted at call ${fmt.format(succeeded + 1)}: ${body?.error?.message ?? "insufficient_credits"}`);
      }
      return;
    }
    if (!res.ok) {
      console.error(`✖ Call ${n} failed with ${res.status}: ${JSON.stringify(body)}`);
      process.exitCode = 1;
      depleted = true;
      return;
    }
    succeeded += 1;
    const total = body?.balance?.total ?? 0;
    // Responses arrive slightly out of order; a jump larger than the calls in flight is a recharge.
    if (lastTotal !== null && total > lastTotal + quantity * concurrency) {
      console.log(`[💳] Auto-recharge triggered: +${fmt.format(total - lastTotal + quantity)} credits (balance ${fmt.format(total)})`);
    }
    lastTotal = total;
    if (succeeded % step === 0) console.log(`${fmt.format(succeeded)} calls completed (balance ${fmt.format(total)})`);
  }
}

await Promise.all(Array.from({ length: concurrency }, worker));
const secs = (Date.now() - started) / 1000;
console.log(`Done: ${fmt.format(succeeded)} of ${fmt.format(calls)} calls succeeded in ${secs.toFixed(1)} s (${fmt.format(Math.round(succeeded / secs))} calls/s).`);
