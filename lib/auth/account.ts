import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { memberships, users } from "@/db/schema";
import { hashPassword } from "./password";
import { revokeSessions } from "./session-version";

/**
 * Account changes that must end the user's existing sessions (lib/auth/session-version). Each runs in
 * one transaction: the change and the revocation land together or not at all.
 */

/** Sets a new password (bcrypt) and ends every session issued before. False when the user does not exist. */
export async function changePassword(db: DbOrTx, userId: string, newPassword: string): Promise<boolean> {
  const passwordHash = await hashPassword(newPassword);
  return db.transaction(async (tx) => {
    const rows = await tx.update(users).set({ passwordHash }).where(eq(users.id, userId)).returning({ id: users.id });
    if (!rows.length) return false;
    await revokeSessions(tx, userId);
    return true;
  });
}

/**
 * Removes `userId` from `orgId` and ends their sessions (roles are read per request anyway; this also
 * drops any page or action already in flight on an old cookie). False when they were not a member.
 */
export async function removeMember(db: DbOrTx, orgId: string, userId: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .delete(memberships)
      .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)))
      .returning({ userId: memberships.userId });
    if (!rows.length) return false;
    await revokeSessions(tx, userId);
    return true;
  });
}
