import type { DebitRequest } from "@/lib/billing/debit-plan";
import type { DebitResult } from "@/lib/ledger";
import { LedgerWriteError } from "@/lib/ledger/write-error";

/**
 * Org affinity across web processes (`REFILL_WORKERS` = N > 1): every usage debit of an org is flushed by ONE
 * process, its owner (`ownerOf`), so the org's requests share that process's group-commit queue and its
 * compare-and-sets expect the balance it wrote itself. Without it, two processes took turns on a hot org's row:
 * nearly every flush's compare-and-set missed and went down the locked path (README § Processes and scaling).
 *
 * A process that is not the owner forwards the debit through the cluster's primary (Node's IPC; workers only
 * talk to it) and answers with the owner's results. Correctness never depends on affinity (the row guards every
 * write), so whatever cannot be forwarded is debited locally: the owner is not ready (starting, replaced,
 * stopping) and the primary or owner answers `unrouted`. A forwarded debit whose owner dies before answering
 * is rejected with `LedgerWriteError` `applied: "unknown"` (the owner may have committed it): the API answers
 * 500 with `applied: "unknown"`, and a retry with the same idempotency key replays or applies it once.
 */

/**
 * The cluster IPC messages of a forwarded debit (`refill` tags them; `to` is the index of the process addressed;
 * `id` is unique to the sending process's life, so an answer never reaches the replacement of a process that died).
 */
export type AffinityMessage =
  | { refill: "debit"; id: string; from: number; to: number; orgId: string; requests: readonly DebitRequest[] }
  | { refill: "debit-result"; id: string; to: number; results: DebitResult[] }
  | { refill: "debit-error"; id: string; to: number; message: string; applied: false | "unknown" }
  | { refill: "debit-unrouted"; id: string; to: number };

export function isAffinityMessage(m: unknown): m is AffinityMessage {
  const tag = (m as { refill?: unknown } | null)?.refill;
  return tag === "debit" || tag === "debit-result" || tag === "debit-error" || tag === "debit-unrouted";
}

/** The owner of `orgId` among `workers` processes (0-based index): FNV-1a of the id, modulo the count. */
export function ownerOf(orgId: string, workers: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < orgId.length; i++) {
    h ^= orgId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % workers;
}

type LocalDebit = (orgId: string, requests: readonly DebitRequest[]) => Promise<DebitResult[]>;

export interface OrgAffinity {
  /** Debits `requests` for `orgId` in its owner process (locally when this is the owner or it cannot forward). */
  debit(orgId: string, requests: readonly DebitRequest[]): Promise<DebitResult[]>;
  /** Handles a message from the primary: a debit to serve as owner, or the answer to one forwarded. */
  receive(msg: AffinityMessage): void;
  /** From now on debits forwarded here are answered `unrouted` (their sender debits them): the process is stopping. */
  stopServing(): void;
}

/**
 * One process's side. `self`: its index, `workers`: N; `send`: to the primary (`process.send`); `local`: the
 * process's own debit (its group-commit queue); `pid`: makes its message ids unique (default `process.pid`).
 */
export function createOrgAffinity(opts: { self: number; workers: number; send: (msg: AffinityMessage) => void; local: LocalDebit; pid?: number }): OrgAffinity {
  const { self, workers, send, local } = opts;
  const pid = opts.pid ?? process.pid;
  const waiting = new Map<string, { orgId: string; requests: readonly DebitRequest[]; resolve: (r: DebitResult[]) => void; reject: (e: unknown) => void }>();
  let nextId = 1;
  let serving = true;

  return {
    debit(orgId, requests) {
      const owner = ownerOf(orgId, workers);
      if (owner === self) return local(orgId, requests);
      return new Promise((resolve, reject) => {
        const id = `${pid}.${nextId++}`;
        waiting.set(id, { orgId, requests, resolve, reject });
        try {
          send({ refill: "debit", id, from: self, to: owner, orgId, requests });
        } catch {
          waiting.delete(id); // the channel to the primary is closed: nothing was forwarded
          local(orgId, requests).then(resolve, reject);
        }
      });
    },
    receive(msg) {
      if (msg.refill === "debit") {
        const reply = (m: AffinityMessage) => {
          try {
            send(m);
          } catch {
            // the primary is gone; the sender's answer goes with it
          }
        };
        if (!serving) return reply({ refill: "debit-unrouted", id: msg.id, to: msg.from });
        local(msg.orgId, msg.requests).then(
          (results) => reply({ refill: "debit-result", id: msg.id, to: msg.from, results }),
          (err: unknown) =>
            reply({
              refill: "debit-error",
              id: msg.id,
              to: msg.from,
              message: err instanceof Error ? err.message : String(err),
              applied: err instanceof LedgerWriteError ? err.applied : "unknown",
            }),
        );
        return;
      }
      const w = waiting.get(msg.id);
      if (!w) return;
      waiting.delete(msg.id);
      if (msg.refill === "debit-result") w.resolve(msg.results);
      else if (msg.refill === "debit-error") w.reject(new LedgerWriteError(msg.applied, new Error(`owner process: ${msg.message}`)));
      else local(w.orgId, w.requests).then(w.resolve, w.reject);
    },
    stopServing() {
      serving = false;
    },
  };
}
