export const API_VERSION = '2026-10-28.endive';

export interface EmulatorConfig {
  /** 0 = any free port. */
  port: number;
  host: string;
  /** Base URL put in hosted-page URLs (Checkout, Portal, 3-D Secure). Defaults to http://localhost:<port>. */
  publicUrl?: string;
  /** Zero-setup webhook endpoint, like `stripe listen --forward-to`. */
  webhookUrl?: string;
  webhookSecret?: string;
  /** null = in-memory only. */
  stateFile: string | null;
  /** First webhook retry delay; doubles each attempt. */
  retryBaseMs: number;
  maxDeliveryAttempts: number;
  /** Log one line per API request to stdout. */
  logRequests: boolean;
  /** How long an idempotency key is remembered (Stripe: 24 h). */
  idempotencyTtlMs: number;
}

export const DEFAULT_CONFIG: EmulatorConfig = {
  port: 12111,
  host: '127.0.0.1',
  stateFile: '.data/stripe-emulator.json',
  retryBaseMs: 500,
  maxDeliveryAttempts: 6,
  logRequests: false,
  idempotencyTtlMs: 24 * 60 * 60 * 1000,
};

export interface Faults {
  duplicate_deliveries?: boolean;
  shuffle?: boolean;
  delay_ms?: number;
  drop_first_attempt?: boolean;
  wrong_signature?: boolean;
  fail_next_requests?: number;
  fail_path_prefix?: string;
  hang_next_requests?: number;
  hang_ms?: number;
  hang_path_prefix?: string;
  /** Only requests with this HTTP method hang (e.g. `POST`, so searches and retrieves don't). */
  hang_method?: string;
  /** Every n-th matching request hangs (n = 5 ⇒ 20 %), until the faults are cleared. */
  hang_every_n?: number;
  drop_response_next_requests?: number;
  drop_path_prefix?: string;
  drop_method?: string;
  /** `true` = every event, or a list of event types: recorded, never delivered ("webhook lost"). */
  drop_webhooks?: boolean | string[];
}
