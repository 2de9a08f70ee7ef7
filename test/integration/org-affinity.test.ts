import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type DbHandle } from "@/db/client";
import type { DebitRequest } from "@/lib/billing/debit-plan";
import { getBalance, type DebitResult } from "@/lib/ledger";
import { createDebitCoalescer } from "@/lib/ledger/group-commit";
import { LedgerWriteError } from "@/lib/ledger/write-error";
import { createOrgAffinity, ownerOf, type AffinityMessage, type OrgAffinity } from "@/lib/usage/org-affinity";
import { createAffinityRelay } from "../../scripts/lib/cluster";
import { makeOrg } from "../support/factories";
import { ledgerMismatches } from "../support/invariants";
import { createTestDb, type TestDb } from "../support/test-db";

// Org affinity (lib/usage/org-affinity.ts) with the primary's relay (scripts/lib/cluster.ts), in one process: each
// "worker" is an affinity whose local debit records which worker flushed what. The real cluster is in cluster.test.ts.

const ORGS = Array.from({ length: 40 }, (_, i) => `00000000-0000-7000-8000-${String(i).padStart(12, "0")}`);

function cluster(workers: number) {
  const ready = new Set<number>(Array.from({ length: workers }, (_, i) => i));
  const flushedBy = new Map<string, Set<number>>();
  const hang = new Set<string>(); // orgs whose local debit never answers (a stuck owner)
  const nodes: OrgAffinity[] = [];
  const relay = createAffinityRelay((i) => (ready.has(i) ? { send: (m: AffinityMessage) => queueMicrotask(() => nodes[i]!.receive(m)) } : null));
  const make = (self: number, pid: number) =>
    createOrgAffinity({
      self,
      workers,
      pid,
      send: (m) => queueMicrotask(() => relay.relay(m, self)),
      local: (orgId: string, requests: readonly DebitRequest[]) => {
        if (!flushedBy.has(orgId)) flushedBy.set(orgId, new Set());
        flushedBy.get(orgId)!.add(self);
        if (hang.has(orgId)) return new Promise<DebitResult[]>(() => {});
        return Promise.resolve(requests.map((r) => ({ ok: true, id: `${self}`, quantity: r.quantity, balance: {} as never, replayed: false }) as DebitResult));
      },
    });
  for (let i = 0; i < workers; i++) nodes.push(make(i, 1000 + i));
  return { nodes, ready, flushedBy, hang, relay, replace: (i: number) => (nodes[i] = make(i, 2000 + i)) };
}

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.drop();
});

describe("org affinity", () => {
  it("owners spread over the processes and never change for an org", () => {
    for (const workers of [2, 3, 8]) {
      const owners = ORGS.map((o) => ownerOf(o, workers));
      expect(new Set(owners).size).toBe(workers);
      expect(ORGS.map((o) => ownerOf(o, workers))).toEqual(owners);
    }
  });

  it("every process's debits of an org are flushed by its owner, with the owner's results", async () => {
    const c = cluster(2);
    const results = await Promise.all(ORGS.flatMap((org) => c.nodes.map((n) => n.debit(org, [{ quantity: 2 }]))));
    expect(results.every(([r]) => r!.ok && r!.quantity === 2)).toBe(true);
    for (const org of ORGS) expect([...c.flushedBy.get(org)!]).toEqual([ownerOf(org, 2)]);
  });

  it("an owner not ready (starting, replaced) or stopping: the sender debits the org itself", async () => {
    const c = cluster(2);
    const org = ORGS.find((o) => ownerOf(o, 2) === 1)!;
    c.ready.delete(1);
    await c.nodes[0]!.debit(org, [{ quantity: 1 }]);
    expect([...c.flushedBy.get(org)!]).toEqual([0]);
    c.ready.add(1);
    c.flushedBy.clear();
    c.nodes[1]!.stopServing();
    await c.nodes[0]!.debit(org, [{ quantity: 1 }]);
    expect([...c.flushedBy.get(org)!]).toEqual([0]);
  });

  it("an owner that exits with a forwarded debit unanswered: the sender's debit fails with applied 'unknown'", async () => {
    const c = cluster(2);
    const org = ORGS.find((o) => ownerOf(o, 2) === 1)!;
    c.hang.add(org);
    const debit = c.nodes[0]!.debit(org, [{ quantity: 1 }]);
    while (!c.flushedBy.get(org)?.has(1)) await new Promise((r) => setImmediate(r)); // the owner has it
    c.ready.delete(1);
    c.relay.exited(1);
    const err = await debit.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LedgerWriteError);
    expect((err as LedgerWriteError).applied).toBe("unknown");
    // Its replacement (same index, new ids) owns the org again; a stale answer addressed to the dead one's id is dropped.
    c.replace(1);
    c.ready.add(1);
    c.hang.delete(org);
    c.relay.relay({ refill: "debit-result", id: "1001.1", to: 1, results: [] }, 0);
    const [r] = await c.nodes[0]!.debit(org, [{ quantity: 4 }]);
    expect(r).toMatchObject({ ok: true, id: "1", quantity: 4 });
  });

  it("the owner's database error reaches the sender as the same LedgerWriteError", async () => {
    const failing = createOrgAffinity({
      self: 1,
      workers: 2,
      send: (m) => queueMicrotask(() => sender.receive(m)),
      local: () => Promise.reject(new LedgerWriteError(false, new Error("connect ECONNREFUSED"))),
    });
    const sender: OrgAffinity = createOrgAffinity({
      self: 0,
      workers: 2,
      send: (m) => queueMicrotask(() => failing.receive(m)),
      local: () => Promise.reject(new Error("must not be debited here")),
    });
    const org = ORGS.find((o) => ownerOf(o, 2) === 1)!;
    const err = await sender.debit(org, [{ quantity: 1 }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LedgerWriteError);
    expect((err as LedgerWriteError).applied).toBe(false);
  });

  it("the channel to the primary is closed: the sender debits the org itself", async () => {
    const flushed: number[] = [];
    const node = createOrgAffinity({
      self: 0,
      workers: 2,
      send: () => {
        throw new Error("no channel to the cluster primary");
      },
      local: async (_orgId, requests) => {
        flushed.push(0);
        return requests.map((r) => ({ ok: true, id: "0", quantity: r.quantity, balance: {} as never, replayed: false }) as DebitResult);
      },
    });
    const [r] = await node.debit(
      ORGS.find((o) => ownerOf(o, 2) === 1)!,
      [{ quantity: 1 }],
    );
    expect(r).toMatchObject({ ok: true, id: "0" });
    expect(flushed).toEqual([0]);
  });

  it("real ledger, two processes, concurrency 32, every key sent to both: applied once by the owner, replayed alike", async () => {
    // Two "processes": each its own pool and group-commit queue, joined by the primary's relay. Each of 32 keys is
    // reported to both at once (a client retrying on another connection); only the owner's queue may flush them.
    const org = await makeOrg(t.db, { plan: 1000 });
    const pools: DbHandle[] = [createDb(t.url, { max: 8 }), createDb(t.url, { max: 8 })];
    try {
      const flushesBy = [0, 0];
      const nodes: OrgAffinity[] = [];
      const relay = createAffinityRelay((i) => ({ send: (m: AffinityMessage) => queueMicrotask(() => nodes[i]!.receive(m)) }));
      for (const [i, pool] of pools.entries()) {
        const queue = createDebitCoalescer(pool.db, { onFlushed: () => flushesBy[i]!++ });
        nodes.push(createOrgAffinity({ self: i, workers: 2, send: (m) => queueMicrotask(() => relay.relay(m, i)), local: (o, r) => queue.debit(o, r) }));
      }
      const answers = await Promise.all(
        Array.from({ length: 32 }, (_, k) => Promise.all(nodes.map((n) => n.debit(org.id, [{ quantity: 3, idempotencyKey: `k-${k}` }])))),
      );
      for (const [a, b] of answers) {
        expect(a[0]!.ok && b[0]!.ok).toBe(true);
        expect(a[0]!.ok && b[0]!.ok && a[0]!.id === b[0]!.id).toBe(true); // the same usage: one applied, one replayed
      }
      expect(flushesBy[1 - ownerOf(org.id, 2)]).toBe(0);
      expect((await getBalance(t.db, org.id)).total).toBe(1000 - 32 * 3);
      expect(await ledgerMismatches(t.sql)).toEqual([]);
    } finally {
      await Promise.all(pools.map((p) => p.close()));
    }
  });
});
