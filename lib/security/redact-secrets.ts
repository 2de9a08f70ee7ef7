/**
 * Secrets that must never reach a terminal or a log file: Stripe webhook signing secrets (`whsec_…`),
 * Stripe secret and restricted keys (`sk_…`, `rk_…`) and Refill API keys (`rfk_…`). Each is replaced by
 * its kind and `[redacted]`. Pure.
 */
const SECRET = /\b(whsec|sk_live|sk_test|rk_live|rk_test|rfk)_[A-Za-z0-9_]+/g;

export function redactSecrets(text: string): string {
  return text.replace(SECRET, (_m, kind: string) => `${kind}_[redacted]`);
}
