import { describe, expect, it } from "vitest";
import { usageFailureReply } from "@/lib/api/usage-replies";
import { LedgerWriteError, toLedgerWriteError } from "./write-error";

function pgError(code: string, severity = "ERROR"): Error {
  return Object.assign(new Error("server said no"), { name: "PostgresError", code, severity });
}
function clientError(code: string): Error {
  return Object.assign(new Error(code), { code });
}

describe("toLedgerWriteError: was the write applied?", () => {
  it.each([
    // [what happened, error, commit may have been sent, applied]
    ["connection refused on connect", clientError("ECONNREFUSED"), true, false],
    ["connect timeout", clientError("CONNECT_TIMEOUT"), true, false],
    ["pool ended before sending", clientError("CONNECTION_ENDED"), true, false],
    ["server ERROR answering the statement (e.g. a unique violation: rolled back)", pgError("23505"), true, false],
    ["FATAL terminate (57P01, a Postgres restart) after COMMIT was sent: may have committed", pgError("57P01", "FATAL"), true, "unknown"],
    ["FATAL terminate inside the transaction, before COMMIT", pgError("57P01", "FATAL"), false, false],
    ["connection lost inside the transaction, before COMMIT", clientError("CONNECTION_CLOSED"), false, false],
    ["connection lost after COMMIT / the autocommit statement was sent", clientError("CONNECTION_CLOSED"), true, "unknown"],
    ["pool ended with a timeout: connection terminated under the sent COMMIT", clientError("CONNECTION_DESTROYED"), true, "unknown"],
    ["pool ended with a timeout, inside the transaction before COMMIT", clientError("CONNECTION_DESTROYED"), false, false],
    ["socket reset after sending", clientError("ECONNRESET"), true, "unknown"],
    ["anything unrecognised after sending", new Error("?"), true, "unknown"],
  ] as const)("%s → applied %s", (_what, err, committing, applied) => {
    expect(toLedgerWriteError(err, committing).applied).toBe(applied);
  });

  it("keeps an already classified error", () => {
    const e = new LedgerWriteError(false, new Error("x"));
    expect(toLedgerWriteError(e, true)).toBe(e);
  });
});

describe("usageFailureReply", () => {
  it("says applied: false when nothing was debited", () => {
    const reply = usageFailureReply(new LedgerWriteError(false, new Error("x")));
    expect(reply.status).toBe(500);
    expect(reply.body).toMatchObject({ error: { code: "internal_error", applied: false } });
  });
  it('says applied: "unknown" (retry with the same key) when the commit outcome was lost, or for any other error', () => {
    for (const err of [new LedgerWriteError("unknown", new Error("x")), new Error("boom")]) {
      const reply = usageFailureReply(err);
      expect(reply.status).toBe(500);
      expect(reply.body).toMatchObject({ error: { code: "internal_error", applied: "unknown" } });
      expect(JSON.stringify(reply.body)).toMatch(/same idempotency key/);
    }
  });
});
