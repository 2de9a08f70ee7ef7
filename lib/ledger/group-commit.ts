import type { Db } from "@/db/client";
import { assertCredits, type Balance } from "./balance";
import { debitLocked, type DebitFlush, type DebitRequest, type DebitResult } from "./debit";
import { createCasCombiner } from "./cas-combiner";
import { isCasMiss } from "./debit-many";
import { logger } from "@/lib/log";

/**
 * Group commit for usage debits. Concurrent debits of the same org are queued in-process and applied
 * by ONE statement per flush (one balance update, one multi-row insert) instead of one transaction
 * each: while a flush runs, new arrivals wait and form the next batch, so batches grow with load and a
 * lone request is flushed at once (no timer, no added latency at low load).
 *
 * A flush is one round trip when it can be: the queue remembers the balance its last flush wrote and
 * applies the next batch with a compare-and-set (`debitIfUnchanged`) — and the compare-and-sets of many orgs
 * waiting at the same moment share ONE statement and commit (`createCasCombiner`, cross-org group commit). When that balance moved (another
 * process, a top-up), a key was seen before, or a request would be refused, the flush falls back to the
 * locked transaction (`debitLocked`). Either way each request gets its own exact answer, in arrival order,
 * decided on the true balance, and its own idempotency; other processes are serialized by the row.
 * The requests of one `debit` call always share a flush (one transaction: all applied or none).
 */
export interface DebitCoalescer {
  /**
   * Debits `requests` for `orgId` (kept contiguous and in order). Rejects on a database error with a
   * `LedgerWriteError` (its `applied`: `false` or `"unknown"`, the same for the whole batch).
   */
  debit(orgId: string, requests: readonly DebitRequest[]): Promise<DebitResult[]>;
  /**
   * Resolves once every queued flush and its `afterFlush` are done (and their callers answered), including
   * flushes queued while waiting — for a graceful shutdown: stop accepting requests, `await idle()`, close
   * the pool. Never rejects.
   */
  idle(): Promise<void>;
}

/** One `debit` call waiting in its org's queue: its requests share a flush (one transaction). */
interface Pending {
  requests: readonly DebitRequest[];
  resolve: (r: DebitResult[]) => void;
  reject: (e: unknown) => void;
}

/**
 * How many queued calls the next flush takes: as many as fit in `max` requests (a call is never split, so its
 * requests commit or fail together); a single call longer than `max` is taken alone.
 */
function batchLength(queue: readonly Pending[], max: number): number {
  let n = 1;
  let size = queue[0]!.requests.length;
  while (n < queue.length && size + queue[n]!.requests.length <= max) size += queue[n++]!.requests.length;
  return n;
}

/** Compare-and-sets a flush tries (the first on the balance last written, the next on the row a miss read) before the locked path. */
const CAS_TRIES = 2;

/** Orgs whose last written balance is remembered; beyond it the memory is dropped (a locked flush re-reads). */
const MAX_REMEMBERED_ORGS = 10_000;

/** Each call of `batch` gets its own slice of `results` (the flush's, in the calls' order). */
function answer(batch: readonly Pending[], results: readonly DebitResult[]): void {
  let at = 0;
  for (const p of batch) {
    p.resolve(results.slice(at, at + p.requests.length));
    at += p.requests.length;
  }
}

export function createDebitCoalescer(
  db: Db,
  opts: {
    maxBatch?: number;
    /** the compare-and-set statements this process keeps in flight across orgs (see `createCasCombiner`) */
    maxCasInFlight?: number;
    /** called with the number of orgs of each compare-and-set statement sent (metrics, tests) */
    onCasStatement?: (orgs: number) => void;
    /** runs after each committed flush, before its requests are answered (e.g. the recharge trigger) */
    afterFlush?: (orgId: string, flush: DebitFlush) => Promise<unknown>;
    onFlushed?: (orgId: string, flush: DebitFlush) => void;
  } = {},
): DebitCoalescer {
  const maxBatch = opts.maxBatch ?? 1000;
  const queues = new Map<string, Pending[]>();
  const lastWritten = new Map<string, Balance>();
  const combiner = createCasCombiner(db, { maxInFlight: opts.maxCasInFlight, onStatement: opts.onCasStatement });
  const inFlight = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    const settled: Promise<unknown> = p.then(
      () => inFlight.delete(settled),
      () => inFlight.delete(settled),
    );
    inFlight.add(settled);
  };

  /**
   * A compare-and-set on the balance this process last wrote for the org; when another process wrote it since, a
   * shared statement hands back the row it locked and one more compare-and-set expects that (with two processes and
   * 1,000 orgs, 1,351 → 2,123 debits/s on the bench). The locked path when there is nothing to expect or it misses again.
   */
  async function flush(orgId: string, requests: readonly DebitRequest[]): Promise<DebitFlush> {
    let expected = lastWritten.get(orgId);
    let flushed: DebitFlush | null = null;
    for (let tries = 0; expected && !flushed && tries < CAS_TRIES; tries++) {
      const out = await combiner.debit({ orgId, requests, expected });
      if (isCasMiss(out)) expected = out.current ?? undefined;
      else flushed = out;
    }
    flushed ??= await debitLocked(db, orgId, requests);
    if (lastWritten.size >= MAX_REMEMBERED_ORGS && !lastWritten.has(orgId)) lastWritten.clear();
    lastWritten.set(orgId, flushed.balance);
    return flushed;
  }

  async function drain(orgId: string, queue: Pending[]): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.splice(0, batchLength(queue, maxBatch));
      try {
        const flushed = await flush(orgId, batch.length === 1 ? batch[0]!.requests : batch.flatMap((p) => p.requests));
        opts.onFlushed?.(orgId, flushed);
        // The after-flush work (the recharge trigger) runs beside the next flush, off the row lock's
        // critical path; this batch's callers are answered once it is done.
        const after = opts.afterFlush
          ? opts.afterFlush(orgId, flushed).catch((err) => logger.error({ err, orgId, component: "ledger" }, "afterFlush failed"))
          : Promise.resolve();
        track(after.then(() => answer(batch, flushed.results)));
      } catch (err) {
        lastWritten.delete(orgId);
        for (const p of batch) p.reject(err);
      }
    }
    queues.delete(orgId);
  }

  return {
    async debit(orgId, requests) {
      for (const r of requests) assertCredits(r.quantity, "quantity"); // a bad request never fails a batch
      if (requests.length === 0) return [];
      let queue = queues.get(orgId);
      const starting = !queue;
      if (!queue) {
        queue = [];
        queues.set(orgId, queue);
      }
      const answered = new Promise<DebitResult[]>((resolve, reject) => queue!.push({ requests, resolve, reject }));
      if (starting) track(drain(orgId, queue));
      return answered;
    },
    async idle() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}
