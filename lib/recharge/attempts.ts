import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { rechargeAttempts, type RechargeAttempt, type RechargeTrigger } from "@/db/schema";
import { appNow } from "@/lib/clock";

export interface NewAttempt {
  orgId: string;
  trigger: RechargeTrigger;
  packs: number;
  credits: number;
  amountCents: number;
  currency: string;
  balanceBefore?: number | null;
  threshold?: number | null;
  createdBy?: string | null;
  createdAt?: Date;
  /** credit another org than the one charged (an agency's allocation for a sub-account), under this ledger key */
  creditTo?: { orgId: string; key: string };
}

/**
 * Inserts a `pending` attempt. For `auto` the partial unique index allows one open attempt per org:
 * a concurrent second insert returns null instead of a row.
 */
export async function createRechargeAttempt(db: DbOrTx, a: NewAttempt): Promise<RechargeAttempt | null> {
  const at = a.createdAt ?? appNow();
  const [row] = await db
    .insert(rechargeAttempts)
    .values({
      orgId: a.orgId,
      trigger: a.trigger,
      packs: a.packs,
      credits: a.credits,
      amountCents: a.amountCents,
      currency: a.currency,
      balanceBefore: a.balanceBefore ?? null,
      threshold: a.threshold ?? null,
      createdBy: a.createdBy ?? null,
      creditOrgId: a.creditTo?.orgId ?? null,
      creditKey: a.creditTo?.key ?? null,
      createdAt: at,
      updatedAt: at,
    })
    .onConflictDoNothing()
    .returning();
  return row ?? null;
}

export async function getRechargeAttempt(db: DbOrTx, attemptId: string, orgId?: string): Promise<RechargeAttempt | null> {
  const where = orgId ? and(eq(rechargeAttempts.id, attemptId), eq(rechargeAttempts.orgId, orgId)) : eq(rechargeAttempts.id, attemptId);
  const [row] = await db.select().from(rechargeAttempts).where(where);
  return row ?? null;
}

export async function findAttemptByPaymentIntent(db: DbOrTx, paymentIntentId: string): Promise<RechargeAttempt | null> {
  const [row] = await db.select().from(rechargeAttempts).where(eq(rechargeAttempts.paymentIntentId, paymentIntentId));
  return row ?? null;
}
