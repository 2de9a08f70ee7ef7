import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { API_KEY_SCOPES, organizations } from "@/db/schema";
import { PLANS } from "@/lib/billing/plans";
import { createApiKey } from "@/lib/api-keys/manage-api-keys";
import { creditTopup, resetPlanCredits } from "@/lib/ledger";
import { createOrganization } from "@/lib/orgs/create-organization";
import { createUser } from "@/lib/orgs/create-user";
import { seedAgencies } from "./seed-agencies";

const DEMO_PASSWORD = "refill-demo";
/** Acme's starting balance: a 10,000-call job at 1 credit per call runs out at call 7,234. */
const ACME_STARTING_CREDITS = 7_233;

export interface DemoCredentials {
  logins: { email: string; password: string; role: string; org: string }[];
  apiKey: string;
  orgs: { slug: string; name: string; plan: string }[];
}

/** True when the database has no organization yet (first start). */
export async function isDatabaseEmpty(db: Db): Promise<boolean> {
  const rows = await db.select({ id: organizations.id }).from(organizations).limit(1);
  return rows.length === 0;
}

/**
 * The demo data, built with the real domain functions: Acme Voice (Starter; owner + editor; plan credits
 * plus top-up credits; an all-scopes API key), Globex (Free; its own owner) and the agency demo (seed-agencies).
 * Not idempotent: run once
 * on an empty database.
 */
export async function seedDemo(db: Db): Promise<DemoCredentials> {
  const acmeOwner = await createUser(db, { email: "owner@acme.test", password: DEMO_PASSWORD, name: "Ada Owner" });
  const acmeEditor = await createUser(db, { email: "editor@acme.test", password: DEMO_PASSWORD, name: "Eddie Editor" });
  const globexOwner = await createUser(db, { email: "owner@globex.test", password: DEMO_PASSWORD, name: "Gia Owner" });

  const acme = await createOrganization(db, {
    name: "Acme Voice",
    slug: "acme",
    plan: "starter",
    members: [
      { userId: acmeOwner.id, role: "owner" },
      { userId: acmeEditor.id, role: "editor" },
    ],
  });
  const globex = await createOrganization(db, {
    name: "Globex",
    slug: "globex",
    plan: "free",
    members: [
      { userId: globexOwner.id, role: "owner" },
      { userId: acmeOwner.id, role: "editor" }, // so the demo owner sees the org switcher
    ],
  });

  const periodEnd = new Date(Date.now() + 30 * 86_400_000);
  const starter = PLANS.starter.monthlyCredits;
  await resetPlanCredits(db, { orgId: acme.id, allotment: starter, resetsAt: periodEnd, reference: "seed", idempotencyKey: "seed:period" });
  await creditTopup(db, { orgId: acme.id, credits: ACME_STARTING_CREDITS - starter, kind: "adjustment", reference: "seed", idempotencyKey: "seed:topup" });
  await resetPlanCredits(db, { orgId: globex.id, allotment: PLANS.free.monthlyCredits, resetsAt: periodEnd, reference: "seed", idempotencyKey: "seed:period" });

  const key = await createApiKey(db, acme.id, acmeOwner.id, { name: "Demo key (all scopes)", scopes: [...API_KEY_SCOPES] });
  const agencies = await seedAgencies(db, DEMO_PASSWORD);

  return {
    logins: [
      { email: "owner@acme.test", password: DEMO_PASSWORD, role: "owner", org: "acme" },
      { email: "editor@acme.test", password: DEMO_PASSWORD, role: "editor", org: "acme" },
      { email: "owner@globex.test", password: DEMO_PASSWORD, role: "owner", org: "globex" },
      ...agencies.logins,
    ],
    apiKey: key.secret,
    orgs: [{ slug: "acme", name: "Acme Voice", plan: "starter" }, { slug: globex.slug, name: "Globex", plan: "free" }, ...agencies.orgs],
  };
}

export async function orgIdBySlug(db: Db, slug: string): Promise<string | null> {
  const [row] = await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.slug, slug));
  return row?.id ?? null;
}
