import type { Db } from "@/db/client";
import { handOffJob, type JobName } from "@/lib/jobs/queue";
import { logger } from "@/lib/log";
import { createRefreshAhead, type RefreshAhead } from "@/lib/cache/refresh-ahead";

/**
 * An after-debit gate, in process memory: per org, a balance `level` below which (as `mayFire` says) a debit
 * may need an exact check job (low-balance alerts, campaign autopause), kept until `validUntil` (another
 * process's change is seen within that). A flush whose available balance is clear of the level costs nothing:
 * no query. Otherwise one check is handed off per org at a time (a flush during it asks for one more).
 *
 * Orgs with no fresh gate are read in BATCHES: while one `loadMany` runs, every other org that needs its gate
 * waits and joins the next — a few queries per batch whatever the number of orgs, so usage spread over many
 * orgs costs the database no more than usage of one. A batch also takes, up to its size, the orgs whose gate
 * was used since it was read and ends within REFRESH_AHEAD_MS (lib/cache/refresh-ahead): their gates are read together
 * a little early instead of each alone as it ends — measured over 1,000 orgs, that is a read every few
 * seconds instead of about 40 a second. A gate is never older than its `validUntil` either way.
 */
export interface GateLevel {
  /** null: nothing can fire until `validUntil` */
  level: number | null;
  /** ms epoch */
  validUntil: number;
}

export interface DebitGateSpec {
  /** names the gate's state on globalThis (the server script and Next's bundle share one process) */
  name: string;
  /** the exact check handed off with `{ orgId }` */
  job: JobName;
  /** whether a flush leaving `available` credits may need the check, at gate `level` */
  mayFire: (available: number, level: number) => boolean;
  /** reads the gates of `orgIds` (1..500) at once; an org missing from the map has no gate (level null) */
  loadMany: (db: Db, orgIds: string[], nowMs: number) => Promise<Map<string, GateLevel>>;
}

export interface DebitGate {
  /** After a debit flush committed with `available` left. Never waits, never throws. */
  afterDebit(db: Db, orgId: string, available: number, nowMs?: number): void;
  /** The check (or a save) computed the org's gate: follow it without a query. */
  remember(orgId: string, gate: GateLevel): void;
  /** Forgets the org's gate (its settings changed in this process). */
  forget(orgId: string): void;
  /** Hands off one check for the org (coalesced: while one runs, at most one more follows it). */
  requestCheck(db: Db | null, orgId: string): void;
  /** The check job's end (success or not): runs the follow-up check if one was asked for. */
  checkDone(db: Db | null, orgId: string): void;
  /** Resolves when the gate loads started so far (and those they queued) are done (tests). */
  loadsIdle(): Promise<void>;
}

const MAX_ORGS = 10_000;
const MAX_BATCH = 500;
/** a hand-off older than this is presumed lost (its job never reported back) */
const CHECK_STALE_MS = 30_000;

interface Wanted {
  lowest: number;
  db: Db;
}

interface State {
  gates: Map<string, GateLevel>;
  checks: Map<string, { since: number; again: boolean }>;
  /** orgs whose gate is wanted, with the lowest balance seen meanwhile (the load decides for it) */
  waiting: Map<string, Wanted>;
  /** the orgs of the batch being read (a flush meanwhile lowers its `lowest`) */
  reading: Map<string, Wanted>;
  /** orgs whose in-memory gate a flush used since it was read (candidates for refresh-ahead) */
  ahead: RefreshAhead;
  loading: Promise<void> | null;
}

export function createDebitGate(spec: DebitGateSpec): DebitGate {
  const holder = globalThis as unknown as Record<string, State | undefined>;
  const state = (holder[`refillDebitGate:${spec.name}`] ??= {
    gates: new Map(),
    checks: new Map(),
    waiting: new Map(),
    reading: new Map(),
    ahead: createRefreshAhead(),
    loading: null,
  });
  const log = (err: unknown, orgId: string | undefined, msg: string) => logger.error({ err, orgId, component: spec.name }, msg);

  const remember = (orgId: string, gate: GateLevel) => {
    if (state.gates.size >= MAX_ORGS && !state.gates.has(orgId)) state.gates.clear();
    state.gates.set(orgId, gate);
  };

  function requestCheck(db: Db | null, orgId: string): void {
    const running = state.checks.get(orgId);
    if (running && Date.now() - running.since < CHECK_STALE_MS) {
      running.again = true;
      return;
    }
    state.checks.set(orgId, { since: Date.now(), again: false });
    void handOffJob(db, spec.job, { orgId }).catch((err: unknown) => log(err, orgId, "check hand-off failed"));
  }

  /** Up to `room` orgs in use whose gate ends within REFRESH_AHEAD_MS and is not already wanted (no flush waits on them). */
  function endingSoon(room: number, db: Db): [string, Wanted][] {
    const now = Date.now();
    const orgIds = state.ahead.take(
      room,
      (orgId) => {
        const g = state.gates.get(orgId);
        return g ? g.validUntil - now : null;
      },
      (orgId) => state.waiting.has(orgId) || state.reading.has(orgId),
    );
    return orgIds.map((orgId) => [orgId, { lowest: Infinity, db }]);
  }

  async function loadBatch(): Promise<void> {
    const wanted = [...state.waiting].slice(0, MAX_BATCH);
    const batch = [...wanted, ...endingSoon(MAX_BATCH - wanted.length, wanted[0]![1].db)];
    for (const [orgId, w] of batch) {
      state.waiting.delete(orgId);
      state.reading.set(orgId, w);
    }
    try {
      const loaded = await spec.loadMany(
        batch[0]![1].db,
        batch.map(([orgId]) => orgId),
        Date.now(),
      );
      for (const [orgId, w] of batch) {
        const gate = loaded.get(orgId) ?? { level: null, validUntil: Date.now() + 5_000 };
        remember(orgId, gate);
        if (gate.level !== null && spec.mayFire(w.lowest, gate.level)) requestCheck(w.db, orgId);
      }
    } catch (err) {
      log(err, undefined, "gate load failed");
    } finally {
      for (const [orgId] of batch) state.reading.delete(orgId);
    }
  }

  /** One batch read at a time; the orgs that want a gate meanwhile form the next. */
  function pump(): void {
    if (state.loading || state.waiting.size === 0) return;
    state.loading = loadBatch().finally(() => {
      state.loading = null;
      pump();
    });
  }

  return {
    afterDebit(db, orgId, available, nowMs = Date.now()) {
      const g = state.gates.get(orgId);
      if (g && g.validUntil > nowMs) {
        state.ahead.used(orgId);
        if (g.level !== null && spec.mayFire(available, g.level)) requestCheck(db, orgId);
        return;
      }
      const w = state.waiting.get(orgId) ?? state.reading.get(orgId);
      if (w) w.lowest = Math.min(w.lowest, available);
      else state.waiting.set(orgId, { lowest: available, db });
      pump();
    },
    remember,
    forget: (orgId) => void state.gates.delete(orgId),
    requestCheck,
    checkDone(db, orgId) {
      const again = state.checks.get(orgId)?.again === true;
      state.checks.delete(orgId);
      if (again) requestCheck(db, orgId);
    },
    async loadsIdle() {
      while (state.loading) await state.loading;
    },
  };
}
