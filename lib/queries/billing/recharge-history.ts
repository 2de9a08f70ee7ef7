import { and, desc, eq, lt, or, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { purchaseInvoices, rechargeAttempts } from "@/db/schema";

export interface RechargeHistoryItem {
  id: string;
  /** ISO */
  date: string;
  amountCents: number;
  currency: string;
  credits: number;
  packs: number;
  status: string;
  trigger: "auto" | "manual";
  failureCode: string | null;
  declineCode: string | null;
  failureMessage: string | null;
  /** Stripe's hosted invoice once issued (the `invoice.issue` job), else null */
  invoiceUrl: string | null;
  invoicePdfUrl: string | null;
  /** the charge's receipt (also before the invoice exists) */
  receiptUrl: string | null;
}

/** Recharges and Top Up Now attempts, newest first, keyset-paginated by attempt id (`startingAfter`). */
export async function listRechargeHistory(
  db: DbOrTx,
  orgId: string,
  opts: { limit?: number; startingAfter?: string | null } = {},
): Promise<{ items: RechargeHistoryItem[]; hasMore: boolean }> {
  const limit = Math.min(Math.max(opts.limit ?? 20, 1), 100);
  let cursor = undefined;
  if (opts.startingAfter) {
    const [c] = await db
      .select({ createdAt: rechargeAttempts.createdAt, id: rechargeAttempts.id })
      .from(rechargeAttempts)
      .where(and(eq(rechargeAttempts.orgId, orgId), eq(rechargeAttempts.id, opts.startingAfter)));
    if (!c) return { items: [], hasMore: false };
    cursor = or(lt(rechargeAttempts.createdAt, c.createdAt), and(eq(rechargeAttempts.createdAt, c.createdAt), lt(rechargeAttempts.id, c.id)));
  }
  const rows = await db
    .select({
      r: rechargeAttempts,
      inv: { hosted: purchaseInvoices.hostedInvoiceUrl, pdf: purchaseInvoices.invoicePdfUrl, receipt: purchaseInvoices.receiptUrl },
    })
    .from(rechargeAttempts)
    .leftJoin(purchaseInvoices, sql`${purchaseInvoices.purchaseId} = ${rechargeAttempts.id}::text`)
    .where(and(eq(rechargeAttempts.orgId, orgId), cursor))
    .orderBy(desc(rechargeAttempts.createdAt), desc(rechargeAttempts.id))
    .limit(limit + 1);
  return {
    items: rows.slice(0, limit).map(({ r, inv }) => ({
      id: r.id,
      date: r.createdAt.toISOString(),
      amountCents: r.amountCents,
      currency: r.currency,
      credits: r.credits,
      packs: r.packs,
      status: r.status,
      trigger: r.trigger,
      failureCode: r.failureCode,
      declineCode: r.declineCode,
      failureMessage: r.failureMessage,
      invoiceUrl: inv?.hosted ?? null,
      invoicePdfUrl: inv?.pdf ?? null,
      receiptUrl: inv?.receipt ?? null,
    })),
    hasMore: rows.length > limit,
  };
}
