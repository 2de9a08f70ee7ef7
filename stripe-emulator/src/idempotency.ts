/** Stripe idempotency: first status + body stored per (API key, Idempotency-Key) and replayed. */
export interface StoredResponse {
  status: number;
  body: string;
}

interface IdempotencyRecord {
  fingerprint: string;
  createdAt: number;
  response: StoredResponse | null; // null = in flight
}

export type IdempotencyLookup = { kind: 'new' } | { kind: 'in_flight' } | { kind: 'mismatch' } | { kind: 'replay'; response: StoredResponse };

export class IdempotencyStore {
  private readonly records = new Map<string, IdempotencyRecord>();

  /** `ttlMs`: how long a key is remembered (Stripe: 24 h; `--idempotency-ttl-ms`). */
  constructor(private readonly ttlMs = 24 * 60 * 60 * 1000) {}

  private static scoped(apiKey: string, key: string): string {
    return `${apiKey}\u0000${key}`;
  }

  /** Looks the key up; on `new` the key is locked (in flight) until `complete` or `release`. */
  begin(apiKey: string, key: string, fingerprint: string): IdempotencyLookup {
    this.prune();
    const scopedKey = IdempotencyStore.scoped(apiKey, key);
    const record = this.records.get(scopedKey);
    if (!record) {
      this.records.set(scopedKey, { fingerprint, createdAt: Date.now(), response: null });
      return { kind: 'new' };
    }
    if (record.fingerprint !== fingerprint) return { kind: 'mismatch' };
    if (!record.response) return { kind: 'in_flight' };
    return { kind: 'replay', response: record.response };
  }

  complete(apiKey: string, key: string, response: StoredResponse): void {
    const record = this.records.get(IdempotencyStore.scoped(apiKey, key));
    if (record) record.response = response;
  }

  /** Forget the key (the request had no effect, e.g. an injected 500). */
  release(apiKey: string, key: string): void {
    this.records.delete(IdempotencyStore.scoped(apiKey, key));
  }

  /** Forgets every key, in flight or stored (what Stripe does after 24 h). Returns how many. */
  clear(): number {
    const count = this.records.size;
    this.records.clear();
    return count;
  }

  /** Map order is insertion order, so expired records are a prefix: stop at the first live one. */
  private prune(): void {
    const cutoff = Date.now() - this.ttlMs;
    for (const [key, record] of this.records) {
      if (record.createdAt >= cutoff) break;
      this.records.delete(key);
    }
  }
}

/** Same method, path and parameters (order-insensitive) ⇒ same fingerprint. */
export function requestFingerprint(method: string, path: string, body: string): string {
  return `${method} ${path}\n${body.split('&').filter(Boolean).sort().join('&')}`;
}
