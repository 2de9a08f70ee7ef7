import { and, desc, eq, isNull, ne } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { billingIncidents } from "@/db/schema";
import type { IncidentKind } from "@/lib/billing/incident-actions";

/** Records a billing incident once per `dedupeKey` (the worker, webhook and reconciliation may all report it). */
export async function openIncident(
  db: DbOrTx,
  params: { orgId: string; kind: IncidentKind; message: string; attemptId?: string | null; dedupeKey: string },
): Promise<void> {
  await db
    .insert(billingIncidents)
    .values({ orgId: params.orgId, kind: params.kind, message: params.message, attemptId: params.attemptId ?? null, dedupeKey: params.dedupeKey })
    .onConflictDoNothing();
}

/** Dismisses one incident of the org (others stay). Returns false when it does not exist in this org. */
export async function dismissIncident(db: DbOrTx, params: { orgId: string; incidentId: string; userId: string | null }): Promise<boolean> {
  const rows = await db
    .update(billingIncidents)
    .set({ dismissedAt: new Date(), dismissedBy: params.userId })
    .where(and(eq(billingIncidents.orgId, params.orgId), eq(billingIncidents.id, params.incidentId), isNull(billingIncidents.dismissedAt)))
    .returning({ id: billingIncidents.id });
  if (rows.length > 0) return true;
  const [exists] = await db
    .select({ id: billingIncidents.id })
    .from(billingIncidents)
    .where(and(eq(billingIncidents.orgId, params.orgId), eq(billingIncidents.id, params.incidentId)));
  return !!exists;
}

/** Open (not dismissed) incidents of the org, newest first. */
export async function listOpenIncidents(db: DbOrTx, orgId: string) {
  return db
    .select({
      id: billingIncidents.id,
      kind: billingIncidents.kind,
      message: billingIncidents.message,
      attemptId: billingIncidents.attemptId,
      createdAt: billingIncidents.createdAt,
    })
    .from(billingIncidents)
    .where(and(eq(billingIncidents.orgId, orgId), isNull(billingIncidents.dismissedAt)))
    .orderBy(desc(billingIncidents.createdAt))
    .limit(20);
}

/**
 * A late success: the attempt's failure banners (declined, internal error, verification) no longer apply and
 * are closed. "Disabled after failures" stays: auto-recharge is still off until the owner re-enables it.
 */
export async function resolveAttemptIncidents(db: DbOrTx, params: { orgId: string; attemptId: string; at?: Date }): Promise<void> {
  await db
    .update(billingIncidents)
    .set({ dismissedAt: params.at ?? new Date() })
    .where(
      and(
        eq(billingIncidents.orgId, params.orgId),
        eq(billingIncidents.attemptId, params.attemptId),
        isNull(billingIncidents.dismissedAt),
        ne(billingIncidents.kind, "disabled_after_failures"),
      ),
    );
}
