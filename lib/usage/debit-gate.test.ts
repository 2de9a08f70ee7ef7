import { afterEach, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { setJobSender } from "@/lib/jobs/queue";
import { REFRESH_AHEAD_MS } from "@/lib/cache/refresh-ahead";
import { createDebitGate, type GateLevel } from "./debit-gate";

// The after-debit gate's batching: usage spread over many orgs reads their gates in a few batches (one
// `loadMany` at a time; the orgs that want a gate meanwhile form the next), and each org's check is handed
// off exactly when a flush left it at or below its level — including a flush seen while its gate was read.
const db = null as unknown as Db;
let n = 0;

function recordingGate(levelOf: (orgId: string) => number | null, validMs = 5_000) {
  const loads: string[][] = [];
  const checks: string[] = [];
  setJobSender({ send: async () => {}, handOff: async (_db, _name, data) => void checks.push(String(data.orgId)) });
  const gate = createDebitGate({
    name: `test-${++n}`,
    job: "alerts.check",
    mayFire: (available, level) => available <= level,
    loadMany: async (_db, orgIds, nowMs) => {
      loads.push(orgIds);
      await new Promise((r) => setTimeout(r, 5)); // a query's round trip
      return new Map(orgIds.map((id): [string, GateLevel] => [id, { level: levelOf(id), validUntil: nowMs + validMs }]));
    },
  });
  return { gate, loads, checks };
}

afterEach(() => setJobSender(null));

describe("createDebitGate", () => {
  it("1,000 orgs' first flushes read their gates in 3 batches, not 1,000 reads", async () => {
    const { gate, loads } = recordingGate(() => null);
    for (let i = 0; i < 1000; i++) gate.afterDebit(db, `org-${i}`, 500);
    await gate.loadsIdle();
    expect(loads.map((l) => l.length)).toEqual([1, 500, 499]);
    expect(new Set(loads.flat()).size).toBe(1000);
    for (let i = 0; i < 1000; i++) gate.afterDebit(db, `org-${i}`, 400); // fresh gates: no read at all
    await gate.loadsIdle();
    expect(loads).toHaveLength(3);
  });

  it("hands off a check exactly for the orgs a flush took to their level, counting flushes during the read", async () => {
    const { gate, checks } = recordingGate((id) => (id === "quiet" ? null : 100));
    gate.afterDebit(db, "first", 50); // starts the read: at its level
    gate.afterDebit(db, "above", 500);
    gate.afterDebit(db, "dips", 500);
    gate.afterDebit(db, "quiet", 0);
    gate.afterDebit(db, "dips", 90); // while its gate is wanted: the lowest balance decides
    gate.afterDebit(db, "first", 700); // while its gate is read
    await gate.loadsIdle();
    expect(checks.sort()).toEqual(["dips", "first"]);
    gate.afterDebit(db, "above", 100); // with its gate in memory: at once, no read
    expect(checks).toContain("above");
  });

  it("refresh-ahead: a read also takes the gates in use that end soon, and leaves out the orgs with no flush since their read", async () => {
    const { gate, loads } = recordingGate(() => null, REFRESH_AHEAD_MS / 2); // every gate ends within the horizon
    for (let i = 0; i < 100; i++) gate.afterDebit(db, `org-${i}`, 500);
    await gate.loadsIdle();
    expect(loads.map((l) => l.length)).toEqual([1, 99]);
    for (let i = 0; i < 50; i++) gate.afterDebit(db, `org-${i}`, 400); // fresh: used, no read
    await gate.loadsIdle();
    expect(loads).toHaveLength(2);
    gate.afterDebit(db, "new-org", 400); // a read for this one takes the 50 in use along
    await gate.loadsIdle();
    expect(loads).toHaveLength(3);
    expect(loads[2]![0]).toBe("new-org");
    expect(new Set(loads[2])).toEqual(new Set(["new-org", ...Array.from({ length: 50 }, (_, i) => `org-${i}`)]));
    gate.afterDebit(db, "another-org", 400); // the 50 were just read and no flush used them since: not again
    await gate.loadsIdle();
    expect(loads[3]).toEqual(["another-org"]);
  });

  it("refresh-ahead never delays a check: a flush at its level while the org is read early is still handed off", async () => {
    const { gate, checks } = recordingGate(() => 100, REFRESH_AHEAD_MS / 2);
    gate.afterDebit(db, "a", 500);
    await gate.loadsIdle();
    gate.afterDebit(db, "a", 400); // used
    gate.afterDebit(db, "b", 500); // starts a read that takes "a" along
    gate.afterDebit(db, "a", 50); // fresh gate in memory: at its level, handed off at once
    await gate.loadsIdle();
    expect(checks).toEqual(["a"]);
  });
});
