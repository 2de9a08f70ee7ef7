import type { Db } from "@/db/client";
import type { DebitResult } from "@/lib/ledger";
import { createDebitCoalescer, type DebitCoalescer } from "@/lib/ledger/group-commit";
import { debitLocked } from "@/lib/ledger/debit";
import { writeBudgetAlerts } from "@/lib/api-keys/budget-alerts";
import { recordDebitFlush } from "@/lib/metrics";
import { afterDebitFlush } from "./after-debit";
import { logger } from "@/lib/log";
import type { UsageEventInput } from "./usage-schema";
import { toDebitRequests } from "./usage-requests";
import { createOrgAffinity, type AffinityMessage, type OrgAffinity } from "./org-affinity";

const coalescers = new WeakMap<object, DebitCoalescer>();
/** every queue of this process, for `drainUsageQueues` (globalThis: the server script and Next's bundle share it) */
const everyQueue = ((globalThis as unknown as { refillDebitQueues?: Set<DebitCoalescer> }).refillDebitQueues ??= new Set());

function coalescerFor(db: Db): DebitCoalescer {
  let c = coalescers.get(db);
  if (!c) {
    c = createDebitCoalescer(db, {
      // One trigger check per committed flush (not per request): exactly-once is the trigger's own job.
      afterFlush: (orgId, flush) => afterDebitFlush(db, orgId, flush),
      onFlushed: (_orgId, flush) => recordDebitFlush(flush.results),
    });
    coalescers.set(db, c);
    everyQueue.add(c);
  }
  return c;
}

/** The process's org affinity once installed (cluster workers; globalThis: the server script and Next's bundle share it). */
const perProcess = globalThis as unknown as { refillOrgAffinity?: OrgAffinity };

/**
 * In a cluster worker (`REFILL_WORKERS` = `workers` > 1, this process's index `self`): from now on each org's usage
 * debits are flushed by its owner process — this one's queue for the orgs it owns, forwarded through `send` (the
 * primary) for the others — see lib/usage/org-affinity.ts. The caller passes the primary's messages to `receive`.
 */
export function installOrgAffinity(db: Db, opts: { self: number; workers: number; send: (msg: AffinityMessage) => void }): OrgAffinity {
  perProcess.refillOrgAffinity = createOrgAffinity({ ...opts, local: (orgId, requests) => coalescerFor(db).debit(orgId, requests) });
  return perProcess.refillOrgAffinity;
}

/**
 * Graceful shutdown: resolves once every queued debit flush (and its after-flush trigger) of every
 * usage queue in this process is done and answered. Never rejects.
 */
export async function drainUsageQueues(): Promise<void> {
  await Promise.all([...everyQueue].map((q) => q.idle()));
}

/**
 * Debits reported usage for one org, in order, through the group-commit queue (concurrent requests of
 * one org share a transaction; with several processes, the queue of the org's owner process), then —
 * after the commit — lets the auto-recharge trigger look at the new balance. The caller never waits for
 * Stripe: the trigger only records an attempt; a worker charges.
 */
export async function reportUsage(db: Db, orgId: string, events: readonly UsageEventInput[], budgetKeyId: string | null = null): Promise<DebitResult[]> {
  const requests = await toDebitRequests(db, orgId, events);
  if (budgetKeyId === null) return (perProcess.refillOrgAffinity ?? coalescerFor(db)).debit(orgId, requests);
  // A key with a budget: its own locked transaction (balance row, then the key's period counter), not the
  // group-commit queue; the queue's next compare-and-set sees the balance moved and takes the lock too.
  const flush = await debitLocked(db, orgId, requests, { keyId: budgetKeyId, onAlerts: writeBudgetAlerts });
  recordDebitFlush(flush.results);
  await afterDebitFlush(db, orgId, flush).catch((err) => logger.error({ err, orgId, component: "usage" }, "afterFlush failed"));
  return flush.results;
}
