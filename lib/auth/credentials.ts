import { eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { users } from "@/db/schema";
import { hashPassword, verifyPassword } from "./password";
import type { SignInThrottle } from "./sign-in-throttle";

/**
 * Email + password → the user, or a refusal, in constant time: an unknown email (or a user without a
 * password) still runs bcrypt, against a dummy hash, so timing does not tell which emails exist.
 * Throttled (lib/auth/sign-in-throttle) before anything is compared; a failure counts against the
 * account and the IP, a success clears the account's count.
 */
type CredentialsResult =
  | { ok: true; user: { id: string; email: string; name: string | null; sessionVersion: number } }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "throttled"; retryAfterSeconds: number };

let dummyHash: Promise<string> | undefined;
/** A bcrypt hash of a random string at the same cost as real ones (computed once per process). */
function dummy(): Promise<string> {
  dummyHash ??= hashPassword(`dummy-${Math.random()}-${Date.now()}`);
  return dummyHash;
}

export async function checkCredentials(
  db: DbOrTx,
  throttle: SignInThrottle,
  input: { email: string; password: string; ip: string | null },
): Promise<CredentialsResult> {
  const verdict = await throttle.check(input.email, input.ip);
  if (!verdict.ok) return { ok: false, reason: "throttled", retryAfterSeconds: verdict.retryAfterSeconds };
  const [user] = await db
    .select({ id: users.id, email: users.email, name: users.name, passwordHash: users.passwordHash, sessionVersion: users.sessionVersion })
    .from(users)
    .where(eq(users.email, input.email));
  const matches = await verifyPassword(input.password, user?.passwordHash ?? (await dummy()));
  if (!user?.passwordHash || !matches) {
    await throttle.fail(input.email, input.ip);
    return { ok: false, reason: "invalid" };
  }
  await throttle.succeed(input.email);
  return { ok: true, user: { id: user.id, email: user.email, name: user.name, sessionVersion: user.sessionVersion } };
}
