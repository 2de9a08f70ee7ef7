import type { Db, DbOrTx } from "@/db/client";
import { logger } from "@/lib/log";

/**
 * Side effects go through this tiny queue interface. In the app it is pg-boss on our Postgres
 * (`startJobWorker`, or a send-only instance started lazily); tests may install an inline runner.
 *
 * Two ways in, meant to be used together:
 * - `enqueueJob(name, data, { tx })` — the DURABLE job: with `tx` its pg-boss row is inserted in the
 *   caller's transaction, so it exists iff the row that needs it committed (a crash at any instant
 *   leaves nothing orphaned). It is the fallback for crashes and retries.
 * - `handOffJob(db, name, data)` — the FAST path, called after that transaction committed: runs the same
 *   handler in this process now (fire-and-forget, errors logged). Handlers are idempotent, so the durable
 *   job (usually delayed by a few seconds) finds nothing left to do.
 */
export type JobName =
  | "recharge.charge"
  | "recharge.trigger"
  | "reconcile"
  | "email"
  | "plans.free-periods"
  | "holds.expire"
  | "webhooks.deliver"
  | "webhooks.sweep"
  | "invoice.issue"
  | "alerts.check"
  | "alerts.sweep"
  | "campaigns.check"
  | "campaigns.sweep"
  | "allocations.run";

/** pg-boss's `db` option: runs one statement on the caller's connection (its transaction). */
interface SqlExecutor {
  executeSql(text: string, values: unknown[]): Promise<{ rows: unknown[] }>;
}

/** A postgres.js `Sql`/`TransactionSql` (anything with `unsafe`). */
interface UnsafeSql {
  unsafe(text: string, values?: unknown[]): PromiseLike<ArrayLike<unknown>>;
}

/** Where a job row may be written: a Drizzle db/transaction, or a postgres.js `sql`/`TransactionSql`. */
type JobTx = DbOrTx | UnsafeSql;

export interface SendOptions {
  /**
   * pg-boss singleton key. On our (standard-policy) queues v10 de-duplicates by it only together with a
   * singleton period, so it is a label here: handlers are idempotent, a duplicate job finds nothing to do.
   */
  singletonKey?: string;
  /** the job becomes visible to workers this many seconds from now (default 0) */
  startAfterSeconds?: number;
  /** insert the job row in this transaction */
  tx?: JobTx;
}

export interface JobSender {
  /** `opts.db` is set when the job must be inserted in the caller's transaction. */
  send(name: JobName, data: Record<string, unknown>, opts?: { singletonKey?: string; startAfterSeconds?: number; db?: SqlExecutor }): Promise<void>;
  /**
   * The in-process fast path (optional; default: `runJob` on `db` or the app's pool). Resolves when the
   * work is done; `handOffJob` does not wait for it unless `awaitHandOffs` is set.
   */
  handOff?(db: Db | null, name: JobName, data: Record<string, unknown>): Promise<void>;
  /** tests' inline runner: `handOffJob` waits for the work (and lets its error propagate to the log) */
  awaitHandOffs?: boolean;
}

const holder = globalThis as unknown as {
  refillJobSender?: JobSender | null;
  refillJobSenderFactory?: () => Promise<JobSender>;
  refillHandOffs?: Set<Promise<unknown>>;
};

export function setJobSender(sender: JobSender | null): void {
  holder.refillJobSender = sender;
}

/** Registers how to build a sender when none is installed (the app: a send-only pg-boss). */
export function setJobSenderFactory(factory: () => Promise<JobSender>): void {
  holder.refillJobSenderFactory = factory;
}

async function sender(name: JobName): Promise<JobSender> {
  if (!holder.refillJobSender) {
    if (!holder.refillJobSenderFactory) throw new Error(`No job queue configured (job ${name})`);
    holder.refillJobSender = await holder.refillJobSenderFactory();
  }
  return holder.refillJobSender;
}

/** The postgres.js client behind a Drizzle db/transaction (its `session.client`), or the client itself. */
function unsafeSqlOf(tx: JobTx): UnsafeSql {
  if (typeof (tx as UnsafeSql).unsafe === "function") return tx as UnsafeSql;
  const client = (tx as unknown as { session?: { client?: UnsafeSql } }).session?.client;
  if (!client || typeof client.unsafe !== "function") throw new Error("enqueueJob: tx is neither a Drizzle postgres-js transaction nor a postgres.js sql");
  return client;
}

/**
 * pg-boss's executor on `tx`. pg-boss passes job data as an object and unset options as `undefined`
 * (node-postgres JSON-encodes the one and sends NULL for the other); postgres.js refuses both, so they are
 * mapped here.
 */
function executorFor(tx: JobTx): SqlExecutor {
  const sql = unsafeSqlOf(tx);
  return {
    async executeSql(text, values) {
      const params = values.map((v) => (v === undefined ? null : v !== null && typeof v === "object" && !(v instanceof Date) ? JSON.stringify(v) : v));
      const rows = await sql.unsafe(text, params);
      return { rows: Array.from(rows) };
    },
  };
}

/**
 * Queues job `name`. With `opts.tx` the job row is written in that transaction (rolled back with it);
 * without, on the queue's own connection. Rejects when no queue is configured or the insert fails.
 */
export async function enqueueJob(name: JobName, data: Record<string, unknown>, opts: SendOptions = {}): Promise<void> {
  const s = await sender(name);
  await s.send(name, data, { singletonKey: opts.singletonKey, startAfterSeconds: opts.startAfterSeconds, db: opts.tx ? executorFor(opts.tx) : undefined });
}

/** The app's pool (for callers that have no `db` at hand, e.g. `enqueueEmails`). */
async function appDb(): Promise<Db> {
  return (await import("@/db/client")).getDb();
}

function inFlight(): Set<Promise<unknown>> {
  return (holder.refillHandOffs ??= new Set());
}

/**
 * Runs job `name` in this process now (on `db`, or the app's pool when null), after the transaction that
 * queued its durable job committed. Never rejects: an error is logged and left to the durable job. Resolves at once in the app (the work
 * continues in the background; `handOffsIdle()` waits for it); the tests' inline runner may await it.
 */
export async function handOffJob(db: Db | null, name: JobName, data: Record<string, unknown>): Promise<void> {
  const s = holder.refillJobSender;
  const run = s?.handOff ? s.handOff(db, name, data) : Promise.all([import("./handlers"), db ?? appDb()]).then(([m, d]) => m.runJob(d, name, data));
  const work = run.catch((err) => logger.error({ err, component: "jobs", job: name, data }, "hand-off failed (the durable job retries)"));
  if (s?.awaitHandOffs) return void (await work);
  const set = inFlight();
  set.add(work);
  void work.finally(() => set.delete(work));
}

/** Resolves when every in-process hand-off started so far has finished (graceful shutdown). */
export async function handOffsIdle(): Promise<void> {
  while (inFlight().size > 0) await Promise.allSettled([...inFlight()]);
}
