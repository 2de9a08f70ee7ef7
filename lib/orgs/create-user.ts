import type { DbOrTx } from "@/db/client";
import { users } from "@/db/schema";
import { hashPassword } from "@/lib/auth/password";

/** Creates a user who signs in with email + password (stored as a bcrypt hash). Email is lower-cased. */
export async function createUser(db: DbOrTx, input: { email: string; password: string; name?: string }) {
  const [user] = await db
    .insert(users)
    .values({ email: input.email.trim().toLowerCase(), name: input.name ?? null, passwordHash: await hashPassword(input.password) })
    .returning({ id: users.id, email: users.email, name: users.name });
  return user!;
}
