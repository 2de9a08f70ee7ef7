import { and, desc, eq, inArray } from "drizzle-orm";
import { organizations, subscriptions } from "@/db/schema";
import { subscribeOrgToPlan } from "@/lib/billing-events/provision";
import { getPlan, type PlanId } from "@/lib/billing/plans";
import { appNow, clockOffsetMs, setClockOffsetMs } from "@/lib/clock";
import { priceIdForPlan } from "@/lib/stripe/catalog";
import { getStripe } from "@/lib/stripe/client";
import { newKey, usageOnce, type ClientLog } from "./client";
import type { World } from "./world";

// The simulation's calendar: month boundaries (the app clock, lib/clock.ts) and plan changes.

/** The time zones of the simulated orgs, by index (mod length): a month starts at a different instant in each. */
export const SIM_TIME_ZONES = ["UTC", "America/New_York", "UTC", "Asia/Kolkata"];

/** What `monthEnd` needs from the op runner (passed in: ops.ts imports this module). */
export interface MonthEndHooks {
  /** faults off, background work done, webhooks drained: nothing in flight when the clock jumps */
  quiet: () => Promise<void>;
  /** hands queued charges to the worker (the old month's attempts are charged before the crossing) */
  runJobs: () => void;
}

/** The first instant (ms) of the UTC month after the one containing `ms`. */
function nextUtcMonthStart(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/**
 * Moves the app clock (this process: the app, the ingest server, the webhook handler and the jobs; and the second
 * app process, when there is one) so `appNow()` reads `targetMs`, never backwards, and records when
 * (`world.clockMovedAt`, app-clock ms).
 */
async function moveClockTo(world: World, targetMs: number): Promise<void> {
  const offset = targetMs - Date.now();
  if (offset <= clockOffsetMs()) return;
  setClockOffsetMs(offset);
  world.clockMovedAt = appNow().getTime();
  await world.child?.syncClock();
}

/**
 * The last seconds of a month and the first of the next (in UTC; the orgs' own zones cross theirs on a later
 * `monthEnd`): after a quiet moment — a jump of weeks must not meet a charge in flight, which would look
 * weeks old to reconciliation — the clock moves to 4 s before the next UTC month, `before` (quantities) is
 * used by org `org` and its charges run, then the clock crosses to 1 s past the boundary and `after` is used.
 * A month's cap and spending limit are counted afresh from there on.
 */
export async function monthEnd(world: World, log: ClientLog, org: number, q: { before: number[]; after: number[] }, hooks: MonthEndHooks): Promise<void> {
  await hooks.quiet();
  const boundary = nextUtcMonthStart(appNow().getTime());
  await moveClockTo(world, boundary - 4000);
  await Promise.all(q.before.map((n) => usageOnce(world, log, org, n, newKey(log, "u"))));
  hooks.runJobs();
  await moveClockTo(world, Math.max(appNow().getTime(), boundary + 1000));
  await advanceTestClocks(world);
  for (const n of q.after) await usageOnce(world, log, org, n, newKey(log, "u"));
  hooks.runJobs();
}

/**
 * Advances every org's Stripe test clock to the app clock (never backwards): the emulator renews each
 * subscription whose period ended — an invoice, a charge of the default card, `invoice.paid` (or
 * `invoice.payment_failed` on a declining card) — and the app grants the new period from the webhook, as it
 * would a month later in production. Waits for each clock to be ready again (the emulator advances in the
 * background, as Stripe does).
 */
async function advanceTestClocks(world: World): Promise<void> {
  const stripe = getStripe();
  const to = Math.floor(appNow().getTime() / 1000);
  await Promise.all(
    world.orgs.map(async (o) => {
      if (!o.clockId || (await stripe.testHelpers.testClocks.retrieve(o.clockId)).frozen_time >= to) return;
      await stripe.testHelpers.testClocks.advance(o.clockId, { frozen_time: to });
      for (let i = 0; i < 400; i++) {
        if ((await stripe.testHelpers.testClocks.retrieve(o.clockId)).status === "ready") return;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`the test clock ${o.clockId} did not finish advancing in 10 s`);
    }),
  );
}

/**
 * A plan change through Stripe, as the Billing Portal makes it, applied by the app from the webhooks
 * (`customer.subscription.*` → `syncCustomer` → `applyStripePlan`; `invoice.paid` → the new period's plan
 * credits). `pick` (drawn 0–2): on a paid plan, 0 cancels (down to Free: a Free period, auto-recharge off)
 * and 1–2 switch Starter ⇄ Pro (credits at the next period); on Free, subscribes again (0: Pro, else
 * Starter) with the org's card — the first invoice's `invoice.paid` grants the plan's credits.
 */
export async function planChange(world: World, orgId: string, pick: number): Promise<void> {
  // read through the app's pool: the simulator's own (world.check) must stay one connection, which a
  // Postgres-restart op never terminates (a second one, opened by this background task, it would)
  const db = world.db();
  const [org] = await db.select({ plan: organizations.plan }).from(organizations).where(eq(organizations.id, orgId));
  if (!org) return;
  const [live] = await db
    .select({ id: subscriptions.id })
    .from(subscriptions)
    .where(and(eq(subscriptions.orgId, orgId), inArray(subscriptions.status, ["active", "trialing", "past_due"])))
    .orderBy(desc(subscriptions.updatedAt))
    .limit(1);
  const row = { plan: org.plan, sub: live?.id ?? null };
  if (!row.sub) {
    await subscribeOrgToPlan(world.db(), orgId, pick === 0 ? "pro" : "starter");
    return;
  }
  const stripe = getStripe();
  if (pick === 0) {
    await stripe.subscriptions.cancel(row.sub);
    return;
  }
  const sub = await stripe.subscriptions.retrieve(row.sub);
  const next: PlanId = row.plan === "pro" ? "starter" : "pro";
  await stripe.subscriptions.update(row.sub, { items: [{ id: sub.items.data[0]!.id, price: await priceIdForPlan(getPlan(next)) }] });
}
