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
