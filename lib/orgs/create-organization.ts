import type { DbOrTx } from "@/db/client";
import { memberships, organizations, type MemberRole } from "@/db/schema";
import type { PlanId } from "@/lib/billing/plans";
import { openBalance } from "@/lib/ledger";

export interface CreateOrganizationInput {
  name: string;
  /** URL slug: lowercase letters, digits and dashes */
  slug: string;
  plan?: PlanId;
  timeZone?: string;
  members?: { userId: string; role: MemberRole }[];
}

/** Creates an org with its (zero) credit balance row and its memberships, in one transaction. */
export async function createOrganization(db: DbOrTx, input: CreateOrganizationInput) {
  if (!/^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/.test(input.slug)) throw new Error(`invalid slug: ${input.slug}`);
  return db.transaction(async (tx) => {
    const [org] = await tx
      .insert(organizations)
      .values({ name: input.name, slug: input.slug, plan: input.plan ?? "free", timeZone: input.timeZone ?? "UTC" })
      .returning();
    await openBalance(tx, org!.id);
    if (input.members?.length) {
      await tx.insert(memberships).values(input.members.map((m) => ({ orgId: org!.id, userId: m.userId, role: m.role })));
    }
    return org!;
  });
}
