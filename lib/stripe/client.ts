import Stripe from "stripe";
import { env } from "@/lib/env";

/** The API version the SDK (stripe@23.1.0) is pinned to; the emulator speaks it too. */
const STRIPE_API_VERSION = "2026-10-28.endive" as const;

/** Secret key used against the local emulator when no STRIPE_SECRET_KEY is configured. */
const EMULATOR_KEY = "sk_test_refill_emulator";

let cached: Stripe | undefined;

/**
 * Builds a client: pinned version, base URL from STRIPE_API_BASE, STRIPE_TIMEOUT_MS per request (10 s) and
 * STRIPE_MAX_NETWORK_RETRIES automatic retries (2, same idempotency key).
 */
function createStripeClient(opts: { secretKey?: string; apiBase?: string } = {}): Stripe {
  const e = env();
  const apiBase = opts.apiBase ?? e.STRIPE_API_BASE;
  const secretKey = opts.secretKey ?? e.STRIPE_SECRET_KEY ?? (apiBase ? EMULATOR_KEY : undefined);
  if (!secretKey) throw new Error("Stripe is not configured: set STRIPE_SECRET_KEY, or STRIPE_API_BASE for the emulator.");
  const config: ConstructorParameters<typeof Stripe>[1] = {
    apiVersion: STRIPE_API_VERSION,
    timeout: e.STRIPE_TIMEOUT_MS,
    maxNetworkRetries: e.STRIPE_MAX_NETWORK_RETRIES,
    telemetry: false,
    appInfo: { name: "Refill" },
  };
  if (apiBase) {
    const u = new URL(apiBase);
    config.host = u.hostname;
    config.protocol = u.protocol === "http:" ? "http" : "https";
    config.port = u.port ? Number(u.port) : u.protocol === "http:" ? 80 : 443;
  }
  return new Stripe(secretKey, config);
}

/** The process's shared client. */
export function getStripe(): Stripe {
  cached ??= createStripeClient();
  return cached;
}

/** Tests: forget the shared client after changing STRIPE_* variables. */
export function resetStripeClient(): void {
  cached = undefined;
}

export function webhookSecret(): string {
  const secret = env().STRIPE_WEBHOOK_SECRET;
  if (!secret) throw new Error("STRIPE_WEBHOOK_SECRET is not set");
  return secret;
}

export type { Stripe };
