import { and, eq } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { ledgerEntries, organizations } from "@/db/schema";
import type { EventType } from "@/lib/billing/event-types";
import { env } from "@/lib/env";
import { recordEvent } from "@/lib/events/record-event";
import { creditTopup } from "@/lib/ledger";
import { takeBackCredits } from "@/lib/ledger/take-back";
import { enqueueEmails, recordEmail } from "@/lib/notifications/emails";
import { openIncident } from "@/lib/notifications/incidents";
import { creditsTakenBackEmail } from "@/lib/notifications/templates";
import { balanceJson } from "@/lib/api/usage-replies";
import type { ChargePurchase } from "./charge-purchase";

type Cause = "refund" | "dispute" | "dispute_lost";

/**
 * Takes `credits` of `purchase` back for charge `chargeId` — ONE ledger entry keyed `key` (`refund:<id>` /
 * `dispute:<dp_…>`), in one transaction with the owners' incident banner, their email and the org's event
 * (`eventType`). A key already taken back changes nothing (a webhook delivered twice, our own refund's
 * `charge.refunded`). Returns whether it was applied.
 */
export async function reverseChargeCredits(
  db: Db,
  p: {
    purchase: ChargePurchase;
    chargeId: string;
    credits: number;
    key: string;
    cause: Cause;
    eventType: EventType;
    data: Record<string, unknown>;
    tx?: DbOrTx;
  },
): Promise<boolean> {
  const { purchase } = p;
  const run = async (tx: DbOrTx) => {
    const taken = await takeBackCredits(tx, {
      orgId: purchase.orgId,
      credits: p.credits,
      kind: p.cause === "refund" ? "refund" : "dispute",
      reference: p.chargeId,
      idempotencyKey: p.key,
    });
    if (!taken.applied) return { applied: false, emailIds: [] as string[] };
    const [org] = await tx.select({ name: organizations.name, slug: organizations.slug }).from(organizations).where(eq(organizations.id, purchase.orgId));
    const what = p.cause === "refund" ? "refunded" : p.cause === "dispute" ? "disputed" : "lost to a dispute";
    const owed =
      taken.balance.overdraft > 0
        ? ` The balance is ${taken.balance.overdraft} credits below zero: usage is refused until it is positive; the next purchase pays it first.`
        : "";
    await openIncident(tx, {
      orgId: purchase.orgId,
      kind: "credits_taken_back",
      message: `A payment (${p.chargeId}) was ${what}: its ${p.credits} credits were taken back.${owed}`,
      dedupeKey: p.key,
    });
    const emailIds = await recordEmail(tx, {
      orgId: purchase.orgId,
      kind: "credits_taken_back",
      dedupeKey: p.key,
      content: await creditsTakenBackEmail({
        orgName: org!.name,
        cause: p.cause,
        credits: p.credits,
        amountCents: purchase.amountCents,
        currency: purchase.currency,
        chargeId: p.chargeId,
        overdraft: taken.balance.overdraft,
        billingUrl: `${env().APP_URL}/${org!.slug}/settings/billing`,
      }),
    });
    await recordEvent(tx, {
      orgId: purchase.orgId,
      type: p.eventType,
      dedupeKey: p.key,
      data: { ...p.data, charge: p.chargeId, payment_intent: purchase.paymentIntentId, credits_taken_back: p.credits, balance: balanceJson(taken.balance) },
    });
    return { applied: true, emailIds };
  };
  const r = p.tx ? await run(p.tx) : await db.transaction(run);
  if (!p.tx) await enqueueEmails(r.emailIds, db);
  return r.applied;
}

/** A won dispute: the credits its `dispute:<id>` entry took back are credited again (key `dispute-won:<id>`), with the closed event. */
export async function returnDisputedCredits(
  db: Db,
  p: { purchase: ChargePurchase; chargeId: string; disputeId: string; data: Record<string, unknown> },
): Promise<boolean> {
  const { purchase } = p;
  return db.transaction(async (tx) => {
    const [taken] = await tx
      .select({ delta: ledgerEntries.delta })
      .from(ledgerEntries)
      .where(and(eq(ledgerEntries.orgId, purchase.orgId), eq(ledgerEntries.idempotencyKey, `dispute:${p.disputeId}`)));
    if (!taken) return false;
    const credits = -taken.delta;
    const credited = await creditTopup(tx, {
      orgId: purchase.orgId,
      credits,
      kind: "dispute_reversal",
      reference: p.chargeId,
      idempotencyKey: `dispute-won:${p.disputeId}`,
    });
    if (!credited.applied) return false;
    const [org] = await tx.select({ name: organizations.name, slug: organizations.slug }).from(organizations).where(eq(organizations.id, purchase.orgId));
    await recordEmail(tx, {
      orgId: purchase.orgId,
      kind: "dispute_won",
      dedupeKey: `dispute-won:${p.disputeId}`,
      content: await creditsTakenBackEmail({
        orgName: org!.name,
        cause: "dispute_won",
        credits,
        amountCents: purchase.amountCents,
        currency: purchase.currency,
        chargeId: p.chargeId,
        overdraft: credited.balance.overdraft,
        billingUrl: `${env().APP_URL}/${org!.slug}/settings/billing`,
      }),
    });
    await recordEvent(tx, {
      orgId: purchase.orgId,
      type: "charge.dispute.closed",
      dedupeKey: `dispute-closed:${p.disputeId}`,
      data: { ...p.data, charge: p.chargeId, credits_returned: credits, balance: balanceJson(credited.balance) },
    });
    return true;
  });
}
