/**
 * A database error during a ledger write, with what the caller can honestly tell its client:
 * - `applied: false` — nothing was written: the connection was never made (refused, timed out, the pool
 *   ended), the server answered the statement with an ERROR (a statement that fails is rolled back; so is
 *   a transaction that never sent COMMIT), or the connection was lost before COMMIT was sent.
 * - `applied: "unknown"` — the write may have committed: the connection was lost after the autocommitted
 *   statement or the COMMIT had been sent and before its answer arrived. A client retrying with the same
 *   idempotency key gets the first result if it was applied, or a fresh debit if it was not.
 */
export class LedgerWriteError extends Error {
  constructor(
    readonly applied: false | "unknown",
    readonly cause: unknown,
  ) {
    super(`ledger write failed (applied: ${applied}): ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = "LedgerWriteError";
  }
}

/**
 * Errors raised before anything reached the server (postgres.js codes and Node's socket errors on connect).
 * Not `CONNECTION_DESTROYED`: `sql.end({ timeout })` past its timeout terminates each connection and fails the
 * queries already SENT on it with that code too — an autocommitted statement or a COMMIT among them may have
 * committed (found by the fault simulation: a debit answered `applied: false` was in the ledger).
 */
const NOT_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "CONNECT_TIMEOUT", "CONNECTION_ENDED"]);

/**
 * True when the server itself answered the statement with an ERROR (postgres.js `PostgresError`): that statement
 * did not commit. Not a FATAL: a backend terminated by an administrator or a shutdown (57P01, 57P02, 57P03 — what a
 * Postgres restart looks like) ends the connection with FATAL wherever it was, which can be after its COMMIT was
 * durable; with the commit sent, that outcome is unknown.
 */
function isServerError(err: unknown): boolean {
  if (!(err instanceof Error) || err.name !== "PostgresError") return false;
  const severity = (err as { severity?: unknown }).severity;
  return severity !== "FATAL" && severity !== "PANIC";
}

/** A unique violation (SQLSTATE 23505). */
export function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === "23505";
}

/**
 * Classifies `err` from a write whose commit point is `committing` (true once the autocommitted statement
 * or COMMIT may have been sent). Returns `err` itself when it already is a `LedgerWriteError`.
 */
export function toLedgerWriteError(err: unknown, committing: boolean): LedgerWriteError {
  if (err instanceof LedgerWriteError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  const notApplied = !committing || isServerError(err) || (typeof code === "string" && NOT_SENT.has(code));
  return new LedgerWriteError(notApplied ? false : "unknown", err);
}
