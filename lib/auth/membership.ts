import { and, asc, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { memberships, organizations, users, type MemberRole, type Organization } from "@/db/schema";

export interface MemberContext {
  user: { id: string; email: string; name: string | null };
  org: Organization;
  role: MemberRole;
}

/** Org slugs as lib/orgs/create-organization makes them; anything else (a NUL, 10 kB of junk) names no org. */
const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The user's membership in the org with `orgSlug`, read from the database; null when not a member,
 * and null without a query when the slug or user id is malformed (no bad text reaches Postgres).
 */
export async function getMemberContext(db: DbOrTx, userId: string, orgSlug: string): Promise<MemberContext | null> {
  if (!SLUG.test(orgSlug) || !UUID.test(userId)) return null;
  const [row] = await db
    .select({ org: organizations, role: memberships.role, user: { id: users.id, email: users.email, name: users.name } })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.orgId))
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.userId, userId), eq(organizations.slug, orgSlug)));
  return row ?? null;
}

/** Orgs the user belongs to (for the org switcher), by name. */
export async function listUserOrgs(db: DbOrTx, userId: string) {
  return db
    .select({ slug: organizations.slug, name: organizations.name, role: memberships.role })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.orgId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(organizations.name));
}

/** Why an action is refused before it runs. */
type AuthorizeRefusal = { ok: false; code: "unauthenticated" | "not_found" | "forbidden"; message: string };

/**
 * The member context of `userId` (null: signed out) in `orgSlug`, role read from the database now, or a
 * typed refusal: `unauthenticated`, `not_found` (not a member), `forbidden` with `message` when `owner`
 * is required and the member is an editor.
 */
export async function authorizeMember(
  db: DbOrTx,
  userId: string | null,
  orgSlug: string,
  opts: { owner: boolean; message?: string },
): Promise<{ ok: true; ctx: MemberContext } | AuthorizeRefusal> {
  if (!userId) return { ok: false, code: "unauthenticated", message: "Sign in to continue." };
  const ctx = await getMemberContext(db, userId, orgSlug);
  if (!ctx) return { ok: false, code: "not_found", message: "Organization not found." };
  if (opts.owner && ctx.role !== "owner") return { ok: false, code: "forbidden", message: opts.message ?? "Only the organization owner can do this." };
  return { ok: true, ctx };
}
