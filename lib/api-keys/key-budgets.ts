import { and, desc, eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { apiKeyBudgets, apiKeyBudgetUsage, apiKeys, organizations } from "@/db/schema";
import { budgetWindow, type BudgetPeriod } from "@/lib/billing/key-budget";
import { forgetCachedApiKeys } from "./api-key-cache";
import type { KeyBudgetInput } from "./key-budget-schema";

/** A key's budget as the page and the API show it: the limit and this period's use. */
export interface KeyBudgetView {
  credits: number;
  period: BudgetPeriod;
  timeZone: string;
  used: number;
  periodStart: Date;
  resetsAt: Date;
}

/**
 * Sets (or with `credits: null` removes) the budget of `keyId` of `orgId`. Returns null when the key is not
 * this org's (404). The key's cached lookup is dropped so this process's next request sees the change; other
 * processes see it within the key cache's TTL (5 s).
 */
export async function setKeyBudget(
  db: DbOrTx,
  p: { orgId: string; keyId: string; userId: string | null; input: KeyBudgetInput; now?: Date },
): Promise<{ budget: KeyBudgetView | null } | null> {
  const [key] = await db
    .select({ id: apiKeys.id, hash: apiKeys.hash, tz: organizations.timeZone })
    .from(apiKeys)
    .innerJoin(organizations, eq(organizations.id, apiKeys.orgId))
    .where(and(eq(apiKeys.id, p.keyId), eq(apiKeys.orgId, p.orgId)));
  if (!key) return null;
  if (p.input.credits === null) {
    await db.delete(apiKeyBudgets).where(eq(apiKeyBudgets.keyId, key.id));
    forgetCachedApiKeys([key.hash]);
    return { budget: null };
  }
  const values = { credits: p.input.credits, period: p.input.period!, timeZone: p.input.time_zone ?? key.tz, updatedBy: p.userId, updatedAt: new Date() };
  await db
    .insert(apiKeyBudgets)
    .values({ keyId: key.id, orgId: p.orgId, ...values })
    .onConflictDoUpdate({ target: apiKeyBudgets.keyId, set: values });
  forgetCachedApiKeys([key.hash]);
  const [budget] = await budgetsOf(db, [{ keyId: key.id, ...values }], p.now ?? new Date());
  return { budget: budget!.view };
}

/** The org's keys, newest first, each with its budget and this period's use (null without a budget). Never the secret or its hash. */
export async function listKeysWithBudgets(db: DbOrTx, orgId: string, now = new Date()) {
  const keys = await db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      scopes: apiKeys.scopes,
      createdAt: apiKeys.createdAt,
      lastUsedAt: apiKeys.lastUsedAt,
      revokedAt: apiKeys.revokedAt,
      credits: apiKeyBudgets.credits,
      period: apiKeyBudgets.period,
      timeZone: apiKeyBudgets.timeZone,
    })
    .from(apiKeys)
    .leftJoin(apiKeyBudgets, eq(apiKeyBudgets.keyId, apiKeys.id))
    .where(eq(apiKeys.orgId, orgId))
    .orderBy(desc(apiKeys.createdAt));
  const budgeted = keys.flatMap((k) =>
    k.credits !== null && k.period && k.timeZone ? [{ keyId: k.id, credits: k.credits, period: k.period, timeZone: k.timeZone }] : [],
  );
  const views = new Map((await budgetsOf(db, budgeted, now)).map((b) => [b.keyId, b.view]));
  return keys.map(({ credits: _c, period: _p, timeZone: _t, ...k }) => ({ ...k, budget: views.get(k.id) ?? null }));
}
export type KeyWithBudget = Awaited<ReturnType<typeof listKeysWithBudgets>>[number];

async function budgetsOf(db: DbOrTx, budgets: { keyId: string; credits: number; period: BudgetPeriod; timeZone: string }[], now: Date) {
  if (budgets.length === 0) return [];
  const windows = budgets.map((b) => ({ ...b, window: budgetWindow(b.period, b.timeZone, now) }));
  const counters = await db
    .select({ keyId: apiKeyBudgetUsage.keyId, periodStart: apiKeyBudgetUsage.periodStart, used: apiKeyBudgetUsage.used })
    .from(apiKeyBudgetUsage)
    .where(
      inArray(
        apiKeyBudgetUsage.keyId,
        budgets.map((b) => b.keyId),
      ),
    );
  return windows.map((b) => {
    const used = counters.find((c) => c.keyId === b.keyId && c.periodStart.getTime() === b.window.start.getTime())?.used ?? 0;
    const view: KeyBudgetView = { credits: b.credits, period: b.period, timeZone: b.timeZone, used, periodStart: b.window.start, resetsAt: b.window.end };
    return { keyId: b.keyId, view };
  });
}

/** A budget in the REST API's shape. */
export function budgetJson(b: KeyBudgetView | null) {
  if (!b) return null;
  return {
    credits: b.credits,
    period: b.period,
    time_zone: b.timeZone,
    used: b.used,
    remaining: Math.max(0, b.credits - b.used),
    period_start: b.periodStart.toISOString(),
    resets_at: b.resetsAt.toISOString(),
  };
}

/** A key in the REST API's shape (no secret, no hash). */
export function keyJson(k: KeyWithBudget) {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes,
    created_at: k.createdAt.toISOString(),
    last_used_at: k.lastUsedAt?.toISOString() ?? null,
    revoked_at: k.revokedAt?.toISOString() ?? null,
    budget: budgetJson(k.budget),
  };
}
