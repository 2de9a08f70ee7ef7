import type { Db } from "@/db/client";
import { debitIfUnchanged, type DebitFlush } from "./debit";
import { debitManyIfUnchanged, type CasDebit } from "./debit-many";

/**
 * Cross-org group commit for the compare-and-set debits of one process. Each org's queue (group-commit.ts)
 * already sends at most one flush at a time; this gathers the flushes of DIFFERENT orgs that are ready at the
 * same moment into one statement and one commit (`debitManyIfUnchanged`): while `maxInFlight` statements run,
 * new flushes wait and form the next one, so statements grow with load and a lone flush goes at once (the
 * single-org `debitIfUnchanged`, no timer, no added latency at low load). At most `maxOrgs` orgs per statement.
 */
export interface CasCombiner {
  /** The org's compare-and-set: its flush, or null (nothing written; take the locked path). Rejects as the statement did. */
  debit(item: CasDebit): Promise<DebitFlush | null>;
}

interface Waiting {
  item: CasDebit;
  resolve: (f: DebitFlush | null) => void;
  reject: (e: unknown) => void;
}

export function createCasCombiner(db: Db, opts: { maxInFlight?: number; maxOrgs?: number; onStatement?: (orgs: number) => void } = {}): CasCombiner {
  const maxInFlight = opts.maxInFlight ?? 2;
  const maxOrgs = opts.maxOrgs ?? 500;
  const waiting: Waiting[] = [];
  let inFlight = 0;

  async function send(batch: Waiting[]): Promise<void> {
    try {
      if (batch.length === 1) {
        const { item } = batch[0]!;
        batch[0]!.resolve(await debitIfUnchanged(db, item.orgId, item.requests, item.expected));
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
    while (inFlight < maxInFlight && waiting.length > 0) {
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
      inFlight++;
      opts.onStatement?.(batch.length);
      void send(batch).finally(() => {
        inFlight--;
        pump();
      });
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
