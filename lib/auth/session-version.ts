import { eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { users } from "@/db/schema";

/**
 * Server-side revocation of JWT sessions. Each user has a `session_version`; sign-in writes the current
 * value into the JWT (`sv`) and every request compares it with the database (one primary-key read).
 * Bumping the version ends every session issued before: sign-out, password change, membership removal.
 */

/** What the session cookie claims: the user id and the version it was issued with (absent on old cookies: 0). */
interface SessionClaim {
  userId: string | null | undefined;
  sessionVersion?: number | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The claim's user id when the user exists and the claim carries the user's current version; else null. */
export async function verifySessionClaim(db: DbOrTx, claim: SessionClaim | null): Promise<string | null> {
  if (!claim?.userId || !UUID.test(claim.userId)) return null;
  const [row] = await db.select({ v: users.sessionVersion }).from(users).where(eq(users.id, claim.userId));
  if (!row) return null;
  return row.v === (claim.sessionVersion ?? 0) ? claim.userId : null;
}

/** The version a new session for `userId` is issued with (0 for an unknown user). */
export async function currentSessionVersion(db: DbOrTx, userId: string): Promise<number> {
  const [row] = await db.select({ v: users.sessionVersion }).from(users).where(eq(users.id, userId));
  return row?.v ?? 0;
}

/** Ends every session of `userId` issued so far. Returns the new version. Safe inside a transaction. */
export async function revokeSessions(db: DbOrTx, userId: string): Promise<number> {
  if (!UUID.test(userId)) return 0;
  const [row] = await db
    .update(users)
    .set({ sessionVersion: sql`${users.sessionVersion} + 1` })
    .where(eq(users.id, userId))
    .returning({ v: users.sessionVersion });
  return row?.v ?? 0;
}
