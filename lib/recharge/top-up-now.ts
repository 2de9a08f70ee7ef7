import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { organizations, type RechargeAttempt } from "@/db/schema";
import { NO_PAYMENT_METHOD_MESSAGE } from "@/lib/billing/decline-messages";
import { getPlan, quotePacks } from "@/lib/billing/plans";
import { getBalance } from "@/lib/ledger";
import { getStripeCustomer } from "@/lib/stripe/customers";
import { createRechargeAttempt } from "./attempts";
import { chargeRechargeAttempt } from "./charge-attempt";
import { verifyUrl } from "./settle-attempt";

export type TopUpNowResult =
  | { ok: true; attemptId: string; status: RechargeAttempt["status"]; message: string; verifyUrl?: string }
  | { ok: false; code: "needs_payment_method" | "charge_failed"; message: string; attemptId?: string };

/**
 * Top Up Now: charges the saved card off-session for `packs` packs at the plan's rate, on the same
 * charge path as auto-recharge (attempt committed first, its id = idempotency key). The owner waits for
 * the outcome; a crash mid-way is converged by reconciliation.
 */
export async function topUpNow(db: Db, p: { orgId: string; userId: string | null; packs: number }): Promise<TopUpNowResult> {
  const [org] = await db.select().from(organizations).where(eq(organizations.id, p.orgId));
  if (!org) throw new Error(`org ${p.orgId} not found`);
  const customer = await getStripeCustomer(db, p.orgId);
  if (!customer?.defaultPaymentMethodId)
    return { ok: false, code: "needs_payment_method", message: NO_PAYMENT_METHOD_MESSAGE.replace("automatic top-offs", "top-ups") };
  const quote = quotePacks(getPlan(org.plan), p.packs);
  const balance = await getBalance(db, p.orgId);
  const attempt = await createRechargeAttempt(db, { orgId: p.orgId, trigger: "manual", ...quote, balanceBefore: balance.total, createdBy: p.userId });
  const r = await chargeRechargeAttempt(db, attempt!.id);
  const [row] = await db.query.rechargeAttempts.findMany({ where: (t, { eq: e }) => e(t.id, attempt!.id), limit: 1 });
  if (r.status === "succeeded")
    return { ok: true, attemptId: r.attemptId, status: r.status, message: `${quote.credits.toLocaleString("en-US")} credits added.` };
  if (r.status === "requires_action") {
    return {
      ok: true,
      attemptId: r.attemptId,
      status: r.status,
      message: "Your bank requires verification. Complete verification to add the credits.",
      verifyUrl: verifyUrl(org.slug, r.attemptId),
    };
  }
  if (r.status === "processing" || r.status === "pending")
    return { ok: true, attemptId: r.attemptId, status: r.status, message: "Payment is processing; the credits are added when it completes." };
  return { ok: false, code: "charge_failed", message: row?.failureMessage ?? "The payment failed.", attemptId: r.attemptId };
}
