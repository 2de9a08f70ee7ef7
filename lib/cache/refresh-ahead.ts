/** An entry in use that ends within this is read again with the next batch read (refresh-ahead), ms. */
export const REFRESH_AHEAD_MS = 2_000;

/**
 * Refresh-ahead bookkeeping for an in-process cache whose misses are read in batches (the API key cache, the
 * after-debit gates): `used` marks the keys a caller found fresh since they were last read, and `take` hands the
 * next batch read up to `max` of them whose entry ends within REFRESH_AHEAD_MS — so entries in use are read
 * together a little early instead of each alone as it ends. Each key is taken once per `used` mark. An entry is
 * never kept longer than its own lifetime: this only reads it sooner.
 */
export interface RefreshAhead {
  used(key: string): void;
  /**
   * Up to `max` keys marked used whose entry ends within REFRESH_AHEAD_MS. `remainingMs(key)`: the entry's time
   * left, or null when it is gone (the mark is dropped); `skip(key)`: leave the key marked for later (e.g. already
   * being read).
   */
  take(max: number, remainingMs: (key: string) => number | null, skip?: (key: string) => boolean): string[];
  clear(): void;
}

export function createRefreshAhead(): RefreshAhead {
  const marked = new Set<string>();
  return {
    used: (key) => void marked.add(key),
    take(max, remainingMs, skip) {
      const soon: string[] = [];
      for (const key of marked) {
        if (soon.length >= max) break;
        const left = remainingMs(key);
        if (left === null) marked.delete(key);
        else if (left <= REFRESH_AHEAD_MS && !skip?.(key)) {
          marked.delete(key);
          soon.push(key);
        }
      }
      return soon;
    },
    clear: () => marked.clear(),
  };
}
