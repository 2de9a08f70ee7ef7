import { and, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { checkoutSessions, ledgerEntries, purchaseInvoices, rechargeAttempts } from "@/db/schema";
import { entryExists } from "@/lib/ledger/credit";

/** What a charge bought: the purchase (recharge attempt or Checkout Session) and the credits it was credited. */
export interface ChargePurchase {
  /** the org its credits went to (an agency's allocation: the sub-account, not the agency charged) */
  orgId: string;
  /** recharge attempt id or cs_… */
  purchaseId: string;
  paymentIntentId: string;
  credits: number;
  amountCents: number;
  currency: string;
  /** the ledger key that credited it (`pi:<id>` / `checkout:<id>` / `allocation:<sub-account>:<period>`) */
  creditKey: string;
}

/**
 * The purchase a PaymentIntent paid for, from OUR rows (never the event's metadata): a recharge attempt
 * (Top Up Now, auto-recharge) by its PaymentIntent id, else a Buy Credits Checkout Session through its invoice
 * record. Null when it is not one of ours or its credits were never credited (nothing to take back).
 */
export async function findChargePurchase(db: DbOrTx, paymentIntentId: string | null): Promise<ChargePurchase | null> {
  if (!paymentIntentId) return null;
  const [attempt] = await db.select().from(rechargeAttempts).where(eq(rechargeAttempts.paymentIntentId, paymentIntentId));
  let found: ChargePurchase | null = null;
  if (attempt) {
    found = {
      orgId: attempt.creditOrgId ?? attempt.orgId,
      purchaseId: attempt.id,
      paymentIntentId,
      credits: attempt.credits,
      amountCents: attempt.amountCents,
      currency: attempt.currency,
      creditKey: attempt.creditKey ?? `pi:${paymentIntentId}`,
    };
  } else {
    const [session] = await db
      .select({
        id: checkoutSessions.id,
        orgId: checkoutSessions.orgId,
        credits: checkoutSessions.credits,
        amountCents: checkoutSessions.amountCents,
        currency: checkoutSessions.currency,
      })
      .from(purchaseInvoices)
      .innerJoin(checkoutSessions, eq(checkoutSessions.id, purchaseInvoices.purchaseId))
      .where(and(eq(purchaseInvoices.paymentIntentId, paymentIntentId), eq(purchaseInvoices.source, "checkout")));
    if (session?.credits && session.amountCents) {
      found = {
        orgId: session.orgId,
        purchaseId: session.id,
        paymentIntentId,
        credits: session.credits,
        amountCents: session.amountCents,
        currency: session.currency,
        creditKey: `checkout:${session.id}`,
      };
    }
  }
  if (!found || !(await entryExists(db, found.orgId, found.creditKey))) return null;
  return found;
}

/** Credits already taken back for charge `chargeId` (refund and dispute entries naming it), net of dispute reversals. */
export async function creditsTakenBack(db: DbOrTx, orgId: string, chargeId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`coalesce(-sum(${ledgerEntries.delta}), 0)::int` })
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.orgId, orgId), eq(ledgerEntries.reference, chargeId), sql`${ledgerEntries.kind} IN ('refund', 'dispute', 'dispute_reversal')`));
  return row?.n ?? 0;
}
