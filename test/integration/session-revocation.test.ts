import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changePassword, removeMember } from "@/lib/auth/account";
import { getMemberContext } from "@/lib/auth/membership";
import { verifyPassword } from "@/lib/auth/password";
import { currentSessionVersion, revokeSessions, verifySessionClaim } from "@/lib/auth/session-version";
import { memberships, users } from "@/db/schema";
import { eq } from "drizzle-orm";
import { createUser } from "@/lib/orgs/create-user";
import { makeOrg } from "../support/factories";
import { createTestDb, type TestDb } from "../support/test-db";

// The check every guard runs (lib/auth/session → verifySessionClaim): a session cookie is honoured only
// while it carries the user's current session_version. Sign-out, password change and membership removal
// bump it, so a cookie captured before them no longer reaches a page, an action or the CSV export.
let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.drop();
});

let n = 0;
const newUser = () => createUser(t.db, { email: `u${++n}-${Date.now()}@example.test`, password: "old-password-1" });
/** The claim a sign-in would issue now (what auth.ts writes into the JWT). */
const signInClaim = async (userId: string) => ({ userId, sessionVersion: await currentSessionVersion(t.db, userId) });

describe("session revocation at the guard", () => {
  it("a fresh session is honoured; a cookie from before this feature (no version) too, until the first revocation", async () => {
    const u = await newUser();
    expect(await verifySessionClaim(t.db, await signInClaim(u.id))).toBe(u.id);
    expect(await verifySessionClaim(t.db, { userId: u.id })).toBe(u.id);
    await revokeSessions(t.db, u.id);
    expect(await verifySessionClaim(t.db, { userId: u.id })).toBeNull();
  });

  it("sign-out (revokeSessions) ends every earlier session; a new sign-in works", async () => {
    const u = await newUser();
    const before = await signInClaim(u.id);
    const otherDevice = await signInClaim(u.id);
    await revokeSessions(t.db, u.id);
    expect(await verifySessionClaim(t.db, before)).toBeNull();
    expect(await verifySessionClaim(t.db, otherDevice)).toBeNull();
    expect(await verifySessionClaim(t.db, await signInClaim(u.id))).toBe(u.id);
  });

  it("a password change ends earlier sessions and stores the new password", async () => {
    const u = await newUser();
    const before = await signInClaim(u.id);
    expect(await changePassword(t.db, u.id, "new-password-2")).toBe(true);
    expect(await verifySessionClaim(t.db, before)).toBeNull();
    const [row] = await t.db.select({ hash: users.passwordHash }).from(users).where(eq(users.id, u.id));
    expect(await verifyPassword("new-password-2", row!.hash!)).toBe(true);
  });

  it("removing a membership ends the removed user's sessions and their access to the org", async () => {
    const u = await newUser();
    const org = await makeOrg(t.db);
    await t.db.insert(memberships).values({ orgId: org.id, userId: u.id, role: "editor" });
    const before = await signInClaim(u.id);
    expect(await getMemberContext(t.db, u.id, org.slug)).not.toBeNull();
    expect(await removeMember(t.db, org.id, u.id)).toBe(true);
    expect(await verifySessionClaim(t.db, before)).toBeNull();
    expect(await getMemberContext(t.db, u.id, org.slug)).toBeNull();
    expect(await removeMember(t.db, org.id, u.id)).toBe(false);
  });

  it("claims for unknown or malformed users are refused without a database error", async () => {
    expect(await verifySessionClaim(t.db, { userId: "3f2b8c1e-9d4a-4b6e-8f1a-2c3d4e5f6a7b", sessionVersion: 0 })).toBeNull();
    expect(await verifySessionClaim(t.db, { userId: "nope\u0000", sessionVersion: 0 })).toBeNull();
    expect(await verifySessionClaim(t.db, null)).toBeNull();
  });
});
