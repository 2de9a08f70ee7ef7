import type { DbOrTx } from "@/db/client";

/**
 * Called after a debit commits. Placeholder until the auto-recharge engine lands: it will create at most
 * one recharge attempt when the org is eligible and below its threshold.
 */
export async function maybeTriggerRecharge(_db: DbOrTx, _orgId: string, _opts: { now?: Date } = {}): Promise<unknown> {
  return null;
}
