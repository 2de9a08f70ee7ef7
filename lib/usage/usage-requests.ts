import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { organizations } from "@/db/schema";
import type { DebitRequest } from "@/lib/billing/debit-plan";
import { creditsFor, DEFAULT_METER, rateFor, uniformRate, type MeterId } from "@/lib/billing/meters";
import type { PlanId } from "@/lib/billing/plans";
import type { UsageEventInput } from "./usage-schema";

/**
 * Usage events as the ledger's debit requests: credits = units × the org's plan's rate for the event's meter
 * (lib/billing/meters). The plan is read only when a meter's rate differs between plans (a plain call, 1 credit
 * everywhere, costs no query: the hot path keeps its speed). A plan change racing the debit is priced at the
 * plan read here.
 */
export async function toDebitRequests(db: Db, orgId: string, events: readonly UsageEventInput[]): Promise<DebitRequest[]> {
  const needsPlan = events.some((e) => uniformRate(e.meter ?? DEFAULT_METER) === null);
  const plan = needsPlan ? await planOf(db, orgId) : null;
  return events.map((e) => {
    const meter: MeterId = e.meter ?? DEFAULT_METER;
    const uniform = uniformRate(meter);
    const quantity = plan ? creditsFor({ id: plan }, meter, e.quantity) : e.quantity * uniform!;
    return {
      quantity,
      idempotencyKey: e.idempotency_key ?? null,
      measure: { meter, units: e.quantity, properties: e.properties ?? null, occurredAt: e.timestamp ?? null },
    };
  });
}

async function planOf(db: Db, orgId: string): Promise<PlanId> {
  const [org] = await db.select({ plan: organizations.plan }).from(organizations).where(eq(organizations.id, orgId)).limit(1);
  return org?.plan ?? "free";
}

/** Credits one unit of `meter` costs the org now (its plan's rate card; no query for a meter rated alike on every plan). */
export async function rateForOrg(db: Db, orgId: string, meter: MeterId): Promise<number> {
  return uniformRate(meter) ?? rateFor({ id: await planOf(db, orgId) }, meter);
}
