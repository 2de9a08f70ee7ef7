import { randomBytes } from "node:crypto";
import type { DbOrTx } from "@/db/client";
import type { PlanId } from "@/lib/billing/plans";
import { creditTopup, resetPlanCredits } from "@/lib/ledger";
import { createOrganization } from "@/lib/orgs/create-organization";

/** An org with the given credits, built with the real domain functions. */
export async function makeOrg(db: DbOrTx, opts: { plan?: number; topup?: number; planId?: PlanId; slug?: string } = {}) {
  const slug = opts.slug ?? `org-${randomBytes(4).toString("hex")}`;
  const org = await createOrganization(db, { name: slug, slug, plan: opts.planId ?? "starter" });
  if (opts.plan) {
    await resetPlanCredits(db, {
      orgId: org.id,
      allotment: opts.plan,
      resetsAt: new Date(Date.now() + 30 * 86400_000),
      reference: "test",
      idempotencyKey: "test:period-1",
    });
  }
  if (opts.topup) {
    await creditTopup(db, { orgId: org.id, credits: opts.topup, kind: "adjustment", reference: "test", idempotencyKey: "test:topup-1" });
  }
  return org;
}
