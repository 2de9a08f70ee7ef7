import { z } from "zod";

/**
 * The one place that reads `process.env`. Every other module imports `env()`.
 *
 * Parsed lazily (first call) so that scripts can set variables for child processes first.
 * Throws a readable error listing every invalid variable.
 */
const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    /** Postgres URL. Unset: the scripts start an embedded PostgreSQL and set it for the app. */
    DATABASE_URL: z.string().url().optional(),
    /** Port of the embedded PostgreSQL the scripts start when DATABASE_URL is unset. */
    EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
    /** Directory for local state: embedded Postgres, emulator state, demo credentials. */
    REFILL_DATA_DIR: z.string().default(".data"),
    /** Public base URL of the app (links in emails, Stripe return URLs, sign-in return check). Unset: http://localhost:$PORT. */
    APP_URL: z.string().url().optional(),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    /** Auth.js secret; the scripts generate and keep one under REFILL_DATA_DIR when unset. */
    AUTH_SECRET: z.string().min(16).optional(),
    /** Port of the stripe-emulator the scripts start when STRIPE_SECRET_KEY is unset. */
    STRIPE_EMULATOR_PORT: z.coerce.number().int().min(1).max(65535).default(12111),
    /** Stripe secret key. Unset: the scripts start stripe-emulator/ and set the three STRIPE_* values. */
    STRIPE_SECRET_KEY: z.string().startsWith("sk_").optional(),
    /** Stripe webhook signing secret (`whsec_…`) for POST /api/webhooks/stripe. */
    STRIPE_WEBHOOK_SECRET: z.string().startsWith("whsec_").optional(),
    /** Base URL of the Stripe API. Unset: https://api.stripe.com. The emulator: http://127.0.0.1:12111. */
    STRIPE_API_BASE: z.string().url().optional(),
    /** Stripe client: per-request timeout (ms) and automatic network retries (same idempotency key). */
    STRIPE_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    STRIPE_MAX_NETWORK_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
    /** SMTP URL for outgoing mail (smtp://user:pass@host:port). Unset: mail is stored and shown at /dev/mailbox. */
    SMTP_URL: z.string().url().optional(),
    MAIL_FROM: z.string().default("Refill Billing <billing@refill.local>"),
    /** Sign-in throttling (Postgres, across processes): failed attempts allowed per account per window… */
    SIGN_IN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).default(10),
    /** …and per client IP per window (an IP tries many accounts)… */
    SIGN_IN_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).default(100),
    /** …window and lock-out, seconds. */
    SIGN_IN_THROTTLE_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
    /** Usage API requests per second per API key, per process (in memory: the hot path). 0 = no limit. */
    USAGE_RATE_LIMIT_PER_SECOND: z.coerce.number().int().min(0).default(10_000),
    /** Checkout sessions + Top Up Now charges per org per hour (card-testing guard, Postgres). 0 = no limit. */
    PAYMENT_RATE_LIMIT_PER_HOUR: z.coerce.number().int().min(0).default(30),
    /** Web processes behind PORT (Node's cluster; 1 = no cluster): each has its own debit coalescer, job worker and pool. */
    REFILL_WORKERS: z.coerce.number().int().min(1).max(32).default(1),
    /** Skip starting the pg-boss worker inside the web process (tests start their own). */
    REFILL_DISABLE_WORKER: z
      .enum(["0", "1", "true", "false"])
      .default("0")
      .transform((v) => v === "1" || v === "true"),
    /** pino log level: trace | debug | info | warn | error | fatal | silent. */
    LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
    /** `1`: human-readable logs in development through pino-pretty when it is installed (JSON otherwise). */
    LOG_PRETTY: z
      .enum(["0", "1", "true", "false"])
      .default("0")
      .transform((v) => v === "1" || v === "true"),
    /** Bearer token for `GET /metrics` (Prometheus). Unset: /metrics answers 404, so it is never public by accident. */
    METRICS_TOKEN: z.string().min(16).optional(),
    /**
     * Outgoing webhooks to private/loopback addresses and `http://localhost`. Unset: allowed unless NODE_ENV is
     * production (the launcher's local stack sets `1`, its production build included).
     */
    WEBHOOKS_ALLOW_PRIVATE_URLS: z.enum(["0", "1", "true", "false"]).optional(),
  })
  // APP_URL follows PORT unless set: `PORT=3100 npm start` links to :3100, not :3000
  .transform((e) => ({
    ...e,
    APP_URL: (e.APP_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ""),
    WEBHOOKS_ALLOW_PRIVATE_URLS:
      e.WEBHOOKS_ALLOW_PRIVATE_URLS === undefined
        ? e.NODE_ENV !== "production"
        : e.WEBHOOKS_ALLOW_PRIVATE_URLS === "1" || e.WEBHOOKS_ALLOW_PRIVATE_URLS === "true",
  }));

export type Env = z.output<typeof envSchema>;

let cached: Env | undefined;

export function env(): Env {
  if (!cached) {
    const parsed = envSchema.safeParse(process.env);
    if (!parsed.success) {
      const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
      throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
    }
    cached = parsed.data;
  }
  return cached;
}

/** For scripts and tests that change variables before the first read. */
export function resetEnvCache(): void {
  cached = undefined;
}

/** `DATABASE_URL`, or a clear error naming the fix. */
export function databaseUrl(): string {
  const url = env().DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set: start Refill with `npm start` or `npm run dev`, which provide one.");
  return url;
}
