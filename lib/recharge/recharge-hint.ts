import { and, eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { rechargeAttempts } from "@/db/schema";
import { rechargeHint, type RechargeHint } from "@/lib/billing/retry-hint";

/** Until this process has measured recharges, a recharge is expected to land within this many ms. */
export const DEFAULT_EXPECTED_RECHARGE_MS = 1000;

const holder = globalThis as unknown as { refillExpectedRechargeMs?: () => number };

/** Lets the engine report its measured recharge time (crossing → credits, p95 ms). */
export function setExpectedRechargeMs(fn: () => number): void {
  holder.refillExpectedRechargeMs = fn;
}

/**
 * For a refused debit (402): the org's open auto-recharge, as a retry hint — `{status: "in_progress",
 * retry_after_ms}` or `{status: "requires_action"}` — or null when none is in flight. One index lookup
 * (the one-open-auto-attempt partial unique index); only run on refusals, never on the hot path.
 */
export async function rechargeHintFor(db: DbOrTx, orgId: string, now = new Date()): Promise<RechargeHint | null> {
  const [open] = await db
    .select({ status: rechargeAttempts.status, createdAt: rechargeAttempts.createdAt })
    .from(rechargeAttempts)
    .where(and(eq(rechargeAttempts.orgId, orgId), eq(rechargeAttempts.trigger, "auto"), inArray(rechargeAttempts.status, ["pending", "processing", "requires_action"])))
    .limit(1);
  if (!open) return null;
  const expected = holder.refillExpectedRechargeMs?.() ?? DEFAULT_EXPECTED_RECHARGE_MS;
  return rechargeHint({ status: open.status as "pending" | "processing" | "requires_action", ageMs: now.getTime() - open.createdAt.getTime() }, expected);
}
