import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { organizations } from "@/db/schema";
import { CONSENT_VERSION, cardLabel, consentText } from "@/lib/billing/consent";
import { getPlan } from "@/lib/billing/plans";
import { getStripeCustomer } from "@/lib/stripe/customers";
import { listSavedCards, type SavedCard } from "@/lib/stripe/payment-methods";
import { loadAutoRechargeState } from "./facts";
import { getAutoRechargeSettings, writeAutoRechargeSettings, type Actor } from "./settings";
import { maybeTriggerRecharge } from "./trigger";

/** The org's saved cards (from Stripe), the default and the backup marked; [] without a customer. */
export async function listOrgCards(db: Db, orgId: string): Promise<(SavedCard & { label: string; isDefault: boolean; isBackup: boolean })[]> {
  const customer = await getStripeCustomer(db, orgId);
  if (!customer) return [];
  const [org] = await db.select({ plan: organizations.plan }).from(organizations).where(eq(organizations.id, orgId));
  const settings = await getAutoRechargeSettings(db, orgId, org!.plan);
  const cards = await listSavedCards(customer.customerId);
  return cards.map((c) => ({
    ...c,
    label: cardLabel(c.brand, c.last4)!,
    isDefault: c.id === customer.defaultPaymentMethodId,
    isBackup: c.id === settings.backupPaymentMethodId,
  }));
}

export type SetBackupResult = { ok: true; label: string | null; message: string } | { ok: false; code: "not_found" | "invalid"; message: string };

/**
 * Chooses (or clears, `null`) the backup card: one of the customer's saved cards, not the default. The
 * choice is audited with the authorization text it leads to (the form shows it before the owner clicks), and
 * a new card ends a decline back-off — a recharge due now tries at once.
 */
export async function setBackupCard(db: Db, p: { orgId: string; paymentMethodId: string | null; actor: Actor }): Promise<SetBackupResult> {
  const [org] = await db.select().from(organizations).where(eq(organizations.id, p.orgId));
  if (!org) throw new Error(`org ${p.orgId} not found`);
  let label: string | null = null;
  if (p.paymentMethodId !== null) {
    const card = (await listOrgCards(db, p.orgId)).find((c) => c.id === p.paymentMethodId);
    if (!card) return { ok: false, code: "not_found", message: "That card is not saved for this organization. Add it in the customer portal first." };
    if (card.isDefault) return { ok: false, code: "invalid", message: "That card is already the default card; choose another card as the backup." };
    label = card.label;
  }
  await db.transaction(async (tx) => {
    const current = await getAutoRechargeSettings(tx, p.orgId, org.plan, { forUpdate: true });
    const state = await loadAutoRechargeState(tx, p.orgId, { settings: current });
    const plan = getPlan(org.plan);
    const next = { ...current, backupPaymentMethodId: p.paymentMethodId, backupCardLabel: label };
    const text = consentText(next, {
      packCredits: plan.packCredits,
      packPriceCents: plan.packPriceCents,
      currency: "usd",
      cardLabel: state.cardLabel,
      backupCardLabel: label,
    });
    await writeAutoRechargeSettings(tx, {
      orgId: p.orgId,
      plan: org.plan,
      patch: { backupPaymentMethodId: p.paymentMethodId, backupCardLabel: label, ...(label ? { retryNotBefore: null } : {}) },
      actor: p.actor,
      consent: label && current.enabled ? { text, version: CONSENT_VERSION } : null,
    });
  });
  if (label) await maybeTriggerRecharge(db, p.orgId);
  return { ok: true, label, message: label ? `${label} is now the backup card.` : "Backup card removed." };
}
