import type { Db } from "@/db/client";
import { subAccountAllocations } from "@/db/schema";
import { PLANS } from "@/lib/billing/plans";
import { linkSubAccount } from "@/lib/agencies/sub-accounts";
import { resetPlanCredits } from "@/lib/ledger";
import { createOrganization } from "@/lib/orgs/create-organization";
import { createUser } from "@/lib/orgs/create-user";
import type { DemoCredentials } from "./seed-demo";

/**
 * The agency demo: Northwind Agency (`northwind`, its owner; the card is attached by seedStripe) with two
 * sub-accounts, each a full org with its own owner — Northwind Dental (Starter, an auto allocation of 500 Basic
 * + 100 Premium minutes a month) and Northwind Realty (Free, no allocation). The allocation is saved as a row
 * only: the running app's `allocations.run` job buys the month on the agency's card.
 */
export async function seedAgencies(db: Db, password: string): Promise<Pick<DemoCredentials, "logins" | "orgs">> {
  const owner = await createUser(db, { email: "owner@northwind.test", password, name: "Nia Agency" });
  const dentalOwner = await createUser(db, { email: "owner@dental.test", password, name: "Dan Dental" });
  const realtyOwner = await createUser(db, { email: "owner@realty.test", password, name: "Rae Realty" });
  const agency = await createOrganization(db, { name: "Northwind Agency", slug: "northwind", plan: "free", members: [{ userId: owner.id, role: "owner" }] });
  const dental = await createOrganization(db, {
    name: "Northwind Dental",
    slug: "northwind-dental",
    plan: "starter",
    members: [{ userId: dentalOwner.id, role: "owner" }],
  });
  const realty = await createOrganization(db, {
    name: "Northwind Realty",
    slug: "northwind-realty",
    plan: "free",
    members: [{ userId: realtyOwner.id, role: "owner" }],
  });
  const resetsAt = new Date(Date.now() + 30 * 86_400_000);
  for (const [org, plan] of [
    [dental, PLANS.starter],
    [realty, PLANS.free],
  ] as const) {
    await linkSubAccount(db, { agencyId: agency.id, subAccountId: org.id });
    await resetPlanCredits(db, { orgId: org.id, allotment: plan.monthlyCredits, resetsAt, reference: "seed", idempotencyKey: "seed:period" });
  }
  await db.insert(subAccountAllocations).values({ subAccountId: dental.id, basicMinutes: 500, premiumMinutes: 100, updatedBy: owner.id });
  return {
    logins: [
      { email: "owner@northwind.test", password, role: "owner", org: "northwind" },
      { email: "owner@dental.test", password, role: "owner", org: "northwind-dental" },
    ],
    orgs: [
      { slug: "northwind", name: "Northwind Agency", plan: "free" },
      { slug: "northwind-dental", name: "Northwind Dental", plan: "starter" },
      { slug: "northwind-realty", name: "Northwind Realty", plan: "free" },
    ],
  };
}
