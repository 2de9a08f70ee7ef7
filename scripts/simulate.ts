/**
 * `npm run simulate -- --calls 10000 --concurrency 8 [--quantity 1] [--no-stop] [--max-retries 50] [--url …] [--key rfk_…]`
 *
 * Drives POST /api/v1/usage like a customer's batch job (one call = one answered call / API request),
 * printing progress, auto-recharges as they land, and where it stops ("Balance depleted at call N").
 * Every call carries an idempotency key; a 402 that says when to come back (a recharge in flight:
 * `Retry-After` / `error.recharge.retry_after_ms`) is waited out and the same call retried with the same key.
 * Only a 402 without a hint (or after --max-retries) is a refused call; --no-stop keeps going past it.
 * Ends with a summary: calls ok / refused / retried, recharges (from GET /api/v1/billing/auto-topup/history
 * when the key has billing:read, else counted from balance jumps) and threshold crossing → credits seen.
 * Defaults for --url and --key come from REFILL_DATA_DIR/demo-credentials.json.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { env } from "@/lib/env";
import { driveUsage, percentile } from "./lib/usage-driver";

const { values } = parseArgs({
  options: {
    calls: { type: "string", default: "10000" },
    concurrency: { type: "string", default: "8" },
    quantity: { type: "string", default: "1" },
    "max-retries": { type: "string", default: "50" },
    "no-stop": { type: "boolean", default: false },
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
const maxRetries = int("max-retries", values["max-retries"], 0);

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
const auth = { authorization: `Bearer ${key}` };
/** GET with the key; null when it lacks billing:read (403) or the call fails. */
async function getJson<T>(p: string): Promise<T | null> {
  const res = await fetch(`${baseUrl}${p}`, { headers: auth }).catch(() => null);
  return res?.ok ? ((await res.json()) as T) : null;
}
type History = { charges: { id: string; date: string; status: string; trigger: string; credits: number }[]; has_more: boolean };
const settings = await getJson<{ enabled: boolean; threshold: number | null }>("/api/v1/billing/auto-topup");
const before = await getJson<History>("/api/v1/billing/auto-topup/history?limit=100");

let refusalPrinted = false;
const step = Math.max(1, Math.min(1000, Math.floor(calls / 10)));
const started = new Date();
console.log(`Simulating ${fmt.format(calls)} calls × ${quantity} credit(s), concurrency ${concurrency} → ${baseUrl}/api/v1/usage`);
const r = await driveUsage({
  baseUrl,
  key,
  calls,
  concurrency,
  quantity,
  maxRetries,
  stopAtFirstRefusal: !values["no-stop"],
  keyPrefix: `sim-${started.getTime()}`,
  threshold: settings?.enabled ? settings.threshold : null,
  onOk: (ok, balance) => {
    if (ok % step === 0) console.log(`${fmt.format(ok)} calls completed (balance ${fmt.format(balance.total)})`);
  },
  onRecharge: (jump, balance) => console.log(`[💳] Auto-recharge triggered: +${fmt.format(jump)} credits (balance ${fmt.format(balance.total)})`),
  onRefused: (_n, ok, message) => {
    // printed once, where the first refusal happened (later ones are counted in the summary)
    if (refusalPrinted) return;
    refusalPrinted = true;
    console.log(`✖ Balance depleted at call ${fmt.format(ok + 1)}: ${message}`);
  },
  onError: (n, status, body) => {
    console.error(`✖ Call ${n} failed with ${status || "a network error"}: ${JSON.stringify(body)}`);
    process.exitCode = 1;
  },
});

const secs = r.elapsedMs / 1000;
console.log(`Done: ${fmt.format(r.ok)} of ${fmt.format(calls)} calls succeeded in ${secs.toFixed(1)} s (${fmt.format(Math.round(r.ok / secs))} calls/s).`);

const after = await getJson<History>("/api/v1/billing/auto-topup/history?limit=100");
const seen = new Set(before?.charges.map((c) => c.id) ?? []);
const recharges = after?.charges.filter((c) => !seen.has(c.id) && c.trigger === "auto" && new Date(c.date) >= new Date(started.getTime() - 1000));
const byStatus = new Map<string, number>();
for (const c of recharges ?? []) byStatus.set(c.status, (byStatus.get(c.status) ?? 0) + 1);
const ms = (v: number | null) => (v === null ? "n/a" : `${fmt.format(Math.round(v))} ms`);

console.log("\nSummary");
console.log(
  `  calls ok          ${fmt.format(r.ok)}${r.retriedCalls ? ` (${fmt.format(r.retriedCalls)} after waiting for a recharge: ${fmt.format(r.retries)} retries, ${(r.waitedMs / 1000).toFixed(1)} s waited in all)` : ""}`,
);
console.log(`  calls refused     ${fmt.format(r.refused)}${r.firstRefusalAt ? ` (first at call ${fmt.format(r.firstRefusalAt)})` : ""}`);
console.log(`  call latency      p50 ${ms(r.latency.p50)} · p99 ${ms(r.latency.p99)} · max ${ms(r.latency.max)} (waits included)`);
if (r.errors) console.log(`  calls failed      ${fmt.format(r.errors)} (not a 402)`);
console.log(
  recharges
    ? `  recharges         ${fmt.format(recharges.length)}${recharges.length ? ` (${[...byStatus].map(([s, n]) => `${n} ${s}`).join(", ")})` : ""}`
    : `  recharges         ${fmt.format(r.jumps)} (balance jumps seen; the key cannot read the auto-recharge history)`,
);
if (r.maxOverdraft > 0) console.log(`  overdraft         up to ${fmt.format(r.maxOverdraft)} credits (grace while a recharge was in flight)`);
if (settings?.enabled && settings.threshold !== null) {
  console.log(
    `  crossing → credit p50 ${ms(percentile(r.crossingToCreditMs, 50))} · p99 ${ms(percentile(r.crossingToCreditMs, 99))} · max ${ms(percentile(r.crossingToCreditMs, 100))}` +
      ` (${r.crossingToCreditMs.length} crossings of ${fmt.format(settings.threshold)} seen by this client${r.jumpsBeforeCrossing ? `; ${r.jumpsBeforeCrossing} recharges landed before the threshold was reached` : ""})`,
  );
} else {
  console.log("  crossing → credit n/a (auto-recharge is off, or the key cannot read its settings)");
}
