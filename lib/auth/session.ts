import "server-only";
import { getDb } from "@/db/client";
import { auth } from "./auth";
import { verifySessionClaim } from "./session-version";

/**
 * The signed-in user's id, or null: signed out, or a cookie whose session was revoked on the server
 * (its `session_version` is no longer the user's: sign-out, password change, membership removal).
 * Every guard (pages, actions, route handlers) reads the user through here.
 */
export async function currentUserId(): Promise<string | null> {
  const session = await auth();
  if (!session?.user?.id) return null;
  return verifySessionClaim(getDb(), { userId: session.user.id, sessionVersion: (session as { sessionVersion?: number }).sessionVersion });
}
