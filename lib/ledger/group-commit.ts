import type { DbOrTx } from "@/db/client";
import { assertCredits } from "./balance";
import { debitCredits, type DebitRequest, type DebitResult } from "./debit";

/**
 * Group commit for usage debits. Concurrent debits of the same org are queued in-process and applied
 * by ONE transaction per flush (one balance update, one multi-row insert) instead of one transaction
 * each: while a flush runs, new arrivals wait and form the next batch, so batches grow with load and a
 * lone request is flushed at once (no timer, no added latency at low load).
 *
 * Each request still gets its own exact answer, in arrival order (`debitCredits` decides every request
 * on the true running balance inside the transaction), and its own idempotency. Correctness never
 * depends on this queue: other processes are serialized by the balance row lock as before.
 */
export interface DebitCoalescer {
  /** Debits `requests` for `orgId` (kept contiguous and in order). Rejects on a database error. */
  debit(orgId: string, requests: readonly DebitRequest[]): Promise<DebitResult[]>;
}

interface Pending {
  request: DebitRequest;
  resolve: (r: DebitResult) => void;
  reject: (e: unknown) => void;
}

export function createDebitCoalescer(
  db: DbOrTx,
  opts: {
    maxBatch?: number;
    /** runs after each committed flush, before its requests are answered (e.g. the recharge trigger) */
    afterFlush?: (orgId: string, results: DebitResult[]) => Promise<unknown>;
    onFlushed?: (orgId: string, results: DebitResult[]) => void;
  } = {},
): DebitCoalescer {
  const maxBatch = opts.maxBatch ?? 1000;
  const queues = new Map<string, Pending[]>();

  async function drain(orgId: string, queue: Pending[]): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      try {
        const results = await debitCredits(db, orgId, batch.map((p) => p.request));
        opts.onFlushed?.(orgId, results);
        // The after-flush work (the recharge trigger) runs beside the next flush, off the row lock's
        // critical path; this batch's callers are answered once it is done.
        const after = opts.afterFlush
          ? opts.afterFlush(orgId, results).catch((err) => console.error("[ledger] afterFlush failed", { orgId, err }))
          : Promise.resolve();
        void after.then(() => batch.forEach((p, i) => p.resolve(results[i]!)));
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
    queues.delete(orgId);
  }

  return {
    async debit(orgId, requests) {
      for (const r of requests) assertCredits(r.quantity, "quantity"); // a bad request never fails a batch
      let queue = queues.get(orgId);
      const starting = !queue;
      if (!queue) {
        queue = [];
        queues.set(orgId, queue);
      }
      const promises = requests.map(
        (request) => new Promise<DebitResult>((resolve, reject) => queue!.push({ request, resolve, reject })),
      );
      if (starting) void drain(orgId, queue);
      return Promise.all(promises);
    },
  };
}
