import { and, eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { rechargeAttempts } from "@/db/schema";
import { rechargeHint, type RechargeHint } from "@/lib/billing/retry-hint";
import { burnRates } from "./burn-rate";

/**
 * For a refused debit (402): the org's open auto-recharge, as a retry hint — `{status: "in_progress",
 * retry_after_ms}` or `{status: "requires_action"}` — or null when none is in flight. One index lookup
 * (the one-open-auto-attempt partial unique index); only run on refusals, never on the hot path.
 */
export async function rechargeHintFor(db: DbOrTx, orgId: string, now = new Date()): Promise<RechargeHint | null> {
  const [open] = await db
    .select({ status: rechargeAttempts.status, createdAt: rechargeAttempts.createdAt })
    .from(rechargeAttempts)
    .where(
      and(
        eq(rechargeAttempts.orgId, orgId),
        eq(rechargeAttempts.trigger, "auto"),
        inArray(rechargeAttempts.status, ["pending", "processing", "requires_action"]),
      ),
    )
    .limit(1);
  if (!open) return null;
  const expected = burnRates().rechargeP95Ms(); // this process's measured crossing → credit p95 (1 s until measured)
  return rechargeHint({ status: open.status as "pending" | "processing" | "requires_action", ageMs: now.getTime() - open.createdAt.getTime() }, expected);
}
