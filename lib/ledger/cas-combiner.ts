import type { Db } from "@/db/client";
import { debitIfUnchanged } from "./debit";
import { casMiss, debitManyIfUnchanged, type CasDebit, type CasOutcome } from "./debit-many";

/**
 * Cross-org group commit for the compare-and-set debits of one process. Each org's queue (group-commit.ts)
 * already sends at most one flush at a time; this gathers the flushes of DIFFERENT orgs that are ready at the
 * same moment into one statement and one commit (`debitManyIfUnchanged`): while a statement runs, new flushes
 * wait and form the next one, so statements grow with load and a lone flush goes at once (the single-org
 * `debitIfUnchanged`, no added latency at low load). At most `maxOrgs` orgs per statement.
 *
 * One statement in flight, hedged: a second is sent only when the one out has run `hedgeMs` (a lock wait behind
 * another process, a slow commit) — so one slow statement never stalls every org of the process — and at most
 * `maxInFlight` in all. Measured on the bench (1,000 orgs, 16 connections): a second statement sent at once
 * took the flushes that arrived first and halved the next statement, 0.22 statements per debit against 0.14
 * with one, and 5–22% fewer debits/s in three paired runs (README § Decisions).
 *
 * Under load, a free slot gathers (`gatherMs`, see `waitsToGather`): without it the flushes formed a convoy — a big
 * statement, then the one flush that had arrived alone, then the big one again (27% of the statements carried one
 * org). Measured with 1,000 orgs on the full stack, three gather times alternating: 0 ms 3,160/s, 1 ms 3,437/s,
 * 2 ms 3,678/s, p99 unchanged (README § Performance).
 */
export interface CasCombiner {
  /**
   * The org's compare-and-set: its flush, or a `CasMiss` (nothing written; retry on its `current` when there is one,
   * else take the locked path). Rejects as the statement did.
   */
  debit(item: CasDebit): Promise<CasOutcome>;
}

interface Waiting {
  item: CasDebit;
  resolve: (f: CasOutcome) => void;
  reject: (e: unknown) => void;
}

/** The last statement's orgs from which a free slot gathers (see `waitsToGather`). */
const GATHER_FROM = 4;

export function createCasCombiner(
  db: Db,
  opts: { maxInFlight?: number; hedgeMs?: number; gatherMs?: number; maxOrgs?: number; onStatement?: (orgs: number) => void } = {},
): CasCombiner {
  const maxInFlight = opts.maxInFlight ?? 2;
  const hedgeMs = opts.hedgeMs ?? 5;
  const gatherMs = opts.gatherMs ?? 2;
  const maxOrgs = opts.maxOrgs ?? 500;
  const waiting: Waiting[] = [];
  /** the send times (performance.now()) of the statements out, oldest first */
  const out: number[] = [];
  let hedge: ReturnType<typeof setTimeout> | null = null;
  /** the orgs of the last statement sent; the gather's timer while one runs; whether it ran out */
  let lastOrgs = 0;
  let gatherTimer: ReturnType<typeof setTimeout> | null = null;
  let gatherDone = false;

  /**
   * Whether the free slot waits now instead of sending, arming the timer that ends the wait the first time (it then
   * sends whatever is waiting). Under load (the last statement carried ≥ GATHER_FROM orgs), a free slot with fewer
   * than half that many flushes waiting waits up to `gatherMs` for the rest: the flushes answered by the statement
   * that just ended come back (their clients' next requests) and go with these, instead of these going alone and the
   * rest forming the next big statement behind them (a convoy: one big statement, one small, …). At low load nothing
   * waits.
   */
  function waitsToGather(): boolean {
    if (gatherMs <= 0 || gatherDone || out.length > 0 || lastOrgs < GATHER_FROM || waiting.length * 2 >= lastOrgs) return false;
    gatherTimer ??= setTimeout(() => {
      gatherTimer = null;
      gatherDone = true;
      pump();
    }, gatherMs);
    return true;
  }

  /** May another statement go now: none out, or every one out has run `hedgeMs` (and fewer than `maxInFlight`). */
  function mayGo(now: number): boolean {
    if (out.length === 0) return true;
    return out.length < maxInFlight && now - out[out.length - 1]! >= hedgeMs;
  }

  /** Flushes are waiting behind a statement: look again when the newest one out reaches `hedgeMs`. */
  function armHedge(now: number): void {
    if (hedge || out.length === 0 || out.length >= maxInFlight) return;
    hedge = setTimeout(
      () => {
        hedge = null;
        pump();
      },
      Math.max(0, hedgeMs - (now - out[out.length - 1]!)),
    );
  }

  async function send(batch: Waiting[]): Promise<void> {
    try {
      if (batch.length === 1) {
        const { item } = batch[0]!;
        batch[0]!.resolve((await debitIfUnchanged(db, item.orgId, item.requests, item.expected)) ?? casMiss());
        return;
      }
      const flushes = await debitManyIfUnchanged(
        db,
        batch.map((w) => w.item),
      );
      batch.forEach((w, i) => w.resolve(flushes[i]!));
    } catch (err) {
      for (const w of batch) w.reject(err);
    }
  }

  function pump(): void {
    const now = performance.now();
    while (waiting.length > 0 && mayGo(now) && !waitsToGather()) {
      if (gatherTimer) clearTimeout(gatherTimer);
      gatherTimer = null;
      gatherDone = false;
      // distinct orgs only (one org's queue never has two flushes out, but two coalescers could share an org)
      const orgs = new Set<string>();
      const batch: Waiting[] = [];
      for (let i = 0; i < waiting.length && batch.length < maxOrgs;) {
        const w = waiting[i]!;
        if (orgs.has(w.item.orgId)) {
          i++;
          continue;
        }
        orgs.add(w.item.orgId);
        batch.push(w);
        waiting.splice(i, 1);
      }
      out.push(now);
      lastOrgs = batch.length;
      opts.onStatement?.(batch.length);
      void send(batch).finally(() => {
        out.splice(out.indexOf(now), 1);
        pump();
      });
    }
    if (waiting.length > 0) armHedge(now);
    else if (hedge) {
      clearTimeout(hedge);
      hedge = null;
    }
  }

  return {
    debit(item) {
      return new Promise((resolve, reject) => {
        waiting.push({ item, resolve, reject });
        pump();
      });
    },
  };
}
