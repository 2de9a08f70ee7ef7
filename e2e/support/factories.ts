/**
 * Test data for the Billing page specs, built with the real domain functions on the e2e database.
 * Each test makes its own org and users in exactly the state it needs (the seeded orgs are left alone).
 *
 * Two kinds of org:
 *  - `makePageState`: billing rows written locally (a synced customer with a card, a live subscription),
 *    no Stripe round-trip, so the balance is exactly what the test asked for. For what the page SHOWS.
 *  - `makeStripeOrg`: a real customer (and card/subscription) at the stripe-emulator through the engine's
 *    provisioning functions. For flows that charge (Top Up Now, Checkout, auto-recharge).
 */
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { E2E } from "./config";

// Point the app's modules at the e2e stack before anything reads the configuration.
process.env.DATABASE_URL ??= E2E.databaseUrl;
process.env.STRIPE_SECRET_KEY ??= "sk_test_refill_emulator";
process.env.STRIPE_API_BASE ??= E2E.emulatorUrl;
process.env.APP_URL ??= E2E.appUrl;

import { createDb, type Db, type DbHandle } from "../../db/client";
import { autoRechargeSettings, rechargeAttempts, stripeCustomers, subscriptions, type RechargeStatus } from "../../db/schema";
import type { IncidentKind } from "../../lib/billing/incident-actions";
import { getPlan, quotePacks, type PlanId } from "../../lib/billing/plans";
import { creditTopup, debitCredits, resetPlanCredits } from "../../lib/ledger";
import { openIncident } from "../../lib/notifications/incidents";
import { createOrganization } from "../../lib/orgs/create-organization";
import { createUser } from "../../lib/orgs/create-user";
import { createRechargeAttempt } from "../../lib/recharge/attempts";
import { writeAutoRechargeSettings } from "../../lib/recharge/settings";
import { PASSWORD } from "./session";

let handle: DbHandle | undefined;
function testDb(): Db {
  handle ??= createDb(E2E.databaseUrl, { max: 3 });
  return handle.db;
}
export async function closeTestDb(): Promise<void> {
  await handle?.close();
  handle = undefined;
}

const rand = () => randomBytes(4).toString("hex");

export interface PageStateOptions {
  plan: PlanId;
  /** a default card on file (local rows only) */
  card?: boolean;
  /** plan credits left / allotment (paid plans default to the plan's allotment) */
  planCredits?: number;
  topupCredits?: number;
  /** usage to debit after granting (shows in the chart and the period bar) */
  used?: number;
  autoRecharge?: { enabled: boolean; threshold?: number; packs?: number; max?: number; limitCents?: number | null; disabledAfterFailures?: boolean };
  /** auto attempts this month, by status */
  attempts?: { status: RechargeStatus; failureCode?: string; declineCode?: string; failureMessage?: string }[];
  incidents?: { kind: IncidentKind; message: string; at?: Date }[];
  /** this many separate 1-credit usage debits (ledger entries), after the rest */
  debits?: number;
  /** this many succeeded auto-recharges earlier this month (bulk; for the cap counter) */
  succeededAttempts?: number;
}

export interface MadeOrg {
  org: { id: string; slug: string; name: string; plan: PlanId };
  owner: { id: string; email: string };
  editor: { id: string; email: string };
  incidentIds: string[];
}

/** An org with an owner and an editor (password `refill-demo`), in exactly the described billing state. */
export async function makePageState(name: string, o: PageStateOptions): Promise<MadeOrg> {
  const db = testDb();
  const slug = `${name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .slice(0, 30)}-${rand()}`.replace(/^-+/, "");
  const ownerUser = await createUser(db, { email: `owner-${slug}@example.test`, password: PASSWORD, name: "Olivia Owner" });
  const editorUser = await createUser(db, { email: `editor-${slug}@example.test`, password: PASSWORD, name: "Eddie Editor" });
  const org = await createOrganization(db, {
    name,
    slug,
    plan: o.plan,
    members: [
      { userId: ownerUser.id, role: "owner" },
      { userId: editorUser.id, role: "editor" },
    ],
  });
  const plan = getPlan(o.plan);
  const periodEnd = new Date(Date.now() + 20 * 86400_000);
  const allotment = plan.monthlyCredits;
  const planCredits = o.planCredits ?? allotment;
  await resetPlanCredits(db, { orgId: org.id, allotment, resetsAt: o.plan === "free" ? null : periodEnd, reference: "e2e", idempotencyKey: "e2e:period-1" });
  if (o.topupCredits) await creditTopup(db, { orgId: org.id, credits: o.topupCredits, kind: "adjustment", reference: "e2e", idempotencyKey: "e2e:topup-1" });
  const toDebit = allotment - planCredits + (o.used ?? 0);
  if (toDebit > 0) {
    const [r] = await debitCredits(db, org.id, [{ quantity: toDebit, idempotencyKey: "e2e:usage-1" }]);
    if (!r?.ok) throw new Error(`could not debit ${toDebit}`);
  }
  if (o.debits) {
    const results = await debitCredits(
      db,
      org.id,
      Array.from({ length: o.debits }, (_, i) => ({ quantity: 1, idempotencyKey: `e2e:debit-${i}` })),
    );
    if (results.some((r) => !r.ok)) throw new Error("debits refused");
  }
  if (o.card || o.plan !== "free") {
    await db.insert(stripeCustomers).values({
      orgId: org.id,
      customerId: `cus_e2e_${rand()}`,
      defaultPaymentMethodId: o.card ? `pm_e2e_${rand()}` : null,
      cardBrand: o.card ? "visa" : null,
      cardLast4: o.card ? "4242" : null,
      cardExpMonth: o.card ? 12 : null,
      cardExpYear: o.card ? 2030 : null,
      syncedAt: new Date(),
    });
  }
  if (o.plan !== "free") {
    const [cust] = await db.select().from(stripeCustomers).where(eq(stripeCustomers.orgId, org.id));
    await db.insert(subscriptions).values({
      id: `sub_e2e_${rand()}`,
      orgId: org.id,
      customerId: cust!.customerId,
      status: "active",
      plan: o.plan,
      currentPeriodStart: new Date(),
      currentPeriodEnd: periodEnd,
    });
  }
  if (o.autoRecharge) {
    const a = o.autoRecharge;
    await writeAutoRechargeSettings(db, {
      orgId: org.id,
      plan: o.plan,
      patch: {
        enabled: a.enabled,
        threshold: a.threshold ?? 500,
        rechargePacks: a.packs ?? 1,
        maxRechargesPerMonth: a.max ?? 10,
        spendingLimitCents: a.limitCents ?? null,
        ...(a.disabledAfterFailures
          ? {
              enabled: false,
              consecutiveFailures: 3,
              disabledAt: new Date(),
              disabledReason: "Auto-recharge was disabled after multiple failed payment attempts. Please update your payment method and re-enable.",
            }
          : {}),
      },
      actor: { source: "system" },
    });
  }
  for (const [i, at] of (o.attempts ?? []).entries()) {
    const q = quotePacks(plan, o.autoRecharge?.packs ?? 1);
    const row = await createRechargeAttempt(db, {
      orgId: org.id,
      trigger: "auto",
      ...q,
      balanceBefore: 0,
      threshold: o.autoRecharge?.threshold ?? 500,
      createdAt: new Date(Date.now() - (10 - i) * 60_000),
    });
    if (!row) throw new Error("attempt not created (another is open)");
    const done = at.status === "succeeded" || at.status === "failed" || at.status === "canceled";
    await db
      .update(rechargeAttempts)
      .set({
        status: at.status,
        failureCode: at.failureCode ?? null,
        declineCode: at.declineCode ?? null,
        failureMessage: at.failureMessage ?? null,
        completedAt: done ? new Date(Date.now() - (10 - i) * 60_000) : null,
        paymentIntentId: `pi_e2e_${rand()}`,
      })
      .where(eq(rechargeAttempts.id, row.id));
  }
  if (o.succeededAttempts) {
    const q = quotePacks(plan, o.autoRecharge?.packs ?? 1);
    const monthStart = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 1));
    const at = (i: number) => new Date(Math.max(monthStart.getTime() + 1000 * (i + 1), Date.now() - 3600_000 + i * 1000));
    await db.insert(rechargeAttempts).values(
      Array.from({ length: o.succeededAttempts }, (_, i) => ({
        orgId: org.id,
        trigger: "auto" as const,
        status: "succeeded" as const,
        ...q,
        paymentIntentId: `pi_e2e_${rand()}_${i}`,
        createdAt: at(i),
        updatedAt: at(i),
        completedAt: at(i),
      })),
    );
  }
  const incidentIds: string[] = [];
  for (const inc of o.incidents ?? []) {
    const key = `e2e:${rand()}`;
    await openIncident(db, { orgId: org.id, kind: inc.kind, message: inc.message, dedupeKey: key });
    incidentIds.push(await incidentIdByKey(org.id, key, inc.at));
  }
  return { org: { id: org.id, slug, name, plan: o.plan }, owner: ownerUser, editor: editorUser, incidentIds };
}

async function incidentIdByKey(orgId: string, key: string, at?: Date): Promise<string> {
  const { billingIncidents } = await import("../../db/schema");
  const db = testDb();
  const [row] = await db.select({ id: billingIncidents.id }).from(billingIncidents).where(eq(billingIncidents.dedupeKey, key));
  if (at) await db.update(billingIncidents).set({ createdAt: at }).where(eq(billingIncidents.id, row!.id));
  return row!.id;
}

/** Adds an incident to an existing org (a "newer" failure after a dismissal). */
export async function addIncident(orgId: string, kind: IncidentKind, message: string): Promise<string> {
  const key = `e2e:${rand()}`;
  await openIncident(testDb(), { orgId, kind, message, dedupeKey: key });
  return incidentIdByKey(orgId, key);
}

export async function getTotalBalance(orgId: string): Promise<number> {
  const { getBalance } = await import("../../lib/ledger");
  return (await getBalance(testDb(), orgId)).total;
}

/**
 * An org whose customer, card and (paid plans) subscription live at the stripe-emulator, made through the
 * engine's provisioning functions. Paid plans get their plan credits from the `invoice.paid` webhook.
 */
export async function makeStripeOrg(name: string, o: { plan: PlanId; card?: string; planCredits?: number; topupCredits?: number }): Promise<MadeOrg> {
  const made = await makePageState(name, { plan: "free", planCredits: o.planCredits ?? 100, topupCredits: o.topupCredits });
  const { attachTestCard, subscribeOrgToPlan } = await import("../../lib/billing-events/provision");
  if (o.card) await attachTestCard(testDb(), made.org.id, o.card);
  if (o.plan !== "free") await subscribeOrgToPlan(testDb(), made.org.id, o.plan);
  return { ...made, org: { ...made.org, plan: o.plan } };
}

/** An API key for the org (the secret, once); `usage:write` + `billing:read` unless `scopes` says otherwise. */
export async function makeApiKey(
  orgId: string,
  scopes: ("usage:write" | "billing:read" | "billing:write")[] = ["usage:write", "billing:read"],
): Promise<string> {
  const { createApiKey } = await import("../../lib/api-keys/manage-api-keys");
  const key = await createApiKey(testDb(), orgId, null, { name: "e2e", scopes });
  return key.secret;
}

export async function getAutoRechargeRow(orgId: string) {
  const [row] = await testDb().select().from(autoRechargeSettings).where(eq(autoRechargeSettings.orgId, orgId));
  return row ?? null;
}

/** The org's Stripe customer id (its mirror row). */
export async function customerOf(orgId: string): Promise<string> {
  const [c] = await testDb().select({ id: stripeCustomers.customerId }).from(stripeCustomers).where(eq(stripeCustomers.orgId, orgId));
  return c!.id;
}

/** Replaces the org's default card at the emulator (e.g. with a declining test card). */
export async function swapCard(orgId: string, paymentMethod: string): Promise<void> {
  const { attachTestCard } = await import("../../lib/billing-events/provision");
  await attachTestCard(testDb(), orgId, paymentMethod);
}

/** Emails recorded for the org (outgoing_emails), newest first. */
export async function listOrgEmails(orgId: string) {
  const { outgoingEmails } = await import("../../db/schema");
  const { desc } = await import("drizzle-orm");
  return testDb().select().from(outgoingEmails).where(eq(outgoingEmails.orgId, orgId)).orderBy(desc(outgoingEmails.createdAt));
}
