"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/client";
import { OWNER_ONLY_AUTO_RECHARGE, OWNER_ONLY_BUY, OWNER_ONLY_PAYMENT, type BillingActionResult } from "@/components/billing/types";
import { autoRechargeFormSchema } from "@/components/billing/schemas";
import { authorizeAction } from "@/lib/auth/guards";
import { buyPacksSchema } from "@/lib/billing/auto-recharge-schema";
import { fieldErrorsOf } from "@/lib/validation/field-errors";
import { env } from "@/lib/env";
import { guardPaymentAttempt } from "@/lib/rate-limit/payment-limit";
import { dismissIncident } from "@/lib/notifications/incidents";
import { enqueueEmails, recordEmail } from "@/lib/notifications/emails";
import { topUpRequestEmail } from "@/lib/notifications/templates";
import { applySettings } from "@/lib/recharge/save-settings";
import { topUpNow } from "@/lib/recharge/top-up-now";
import { createBillingPortalSession, createBuyCreditsCheckout, createCardSetupCheckout, createSubscriptionCheckout } from "@/lib/stripe/checkout";

/**
 * The Billing page's server actions. Each: membership + role from the DB → owner check → zod parse (the
 * schema the form's resolver uses) → domain function → revalidate → typed result.
 */
const billingPath = (slug: string) => `/${slug}/settings/billing`;
const returnUrl = (slug: string, q: string) => `${env().APP_URL}${billingPath(slug)}?${q}`;

export async function saveAutoRechargeAction(orgSlug: string, input: unknown): Promise<BillingActionResult> {
  const authz = await authorizeAction(orgSlug, { owner: true, message: OWNER_ONLY_AUTO_RECHARGE });
  if (!authz.ok) return authz;
  const { org, user } = authz.ctx;
  const parsed = autoRechargeFormSchema(org.plan).safeParse(input);
  if (!parsed.success) return { ok: false, code: "validation_error", message: "Please correct the highlighted fields.", fieldErrors: fieldErrorsOf(parsed.error) };
  const { monthlyLimitCents, spendingAlertPercent, ...next } = parsed.data;
  const db = getDb();
  const actor = { source: "ui" as const, userId: user.id };
  // one transaction: a refused enable (plan, card, …) stores neither the settings nor the spending limit
  const r = await applySettings(db, { org, next, limit: { monthlyLimitCents, alertPercent: spendingAlertPercent }, actor });
  revalidatePath(billingPath(orgSlug));
  if (!r.ok) return r;
  return { ok: true, message: r.message };
}

export async function topUpNowAction(orgSlug: string, packs: unknown): Promise<BillingActionResult<{ status?: string; verifyUrl?: string }>> {
  const authz = await authorizeAction(orgSlug, { owner: true, message: OWNER_ONLY_BUY });
  if (!authz.ok) return authz;
  const parsed = buyPacksSchema.safeParse({ packs });
  if (!parsed.success) return { ok: false, code: "validation_error", message: "Choose between 1 and 100 packs.", fieldErrors: fieldErrorsOf(parsed.error) };
  const guard = await guardPaymentAttempt(authz.ctx.org.id);
  if (!guard.ok) return guard;
  const r = await topUpNow(getDb(), { orgId: authz.ctx.org.id, userId: authz.ctx.user.id, packs: parsed.data.packs });
  revalidatePath(billingPath(orgSlug));
  if (!r.ok) return { ok: false, code: r.code, message: r.message };
  return { ok: true, status: r.status, message: r.message, verifyUrl: r.verifyUrl };
}

export async function buyCreditsAction(orgSlug: string, packs: unknown): Promise<BillingActionResult<{ url?: string }>> {
  const authz = await authorizeAction(orgSlug, { owner: true, message: OWNER_ONLY_BUY });
  if (!authz.ok) return authz;
  const parsed = buyPacksSchema.safeParse({ packs });
  if (!parsed.success) return { ok: false, code: "validation_error", message: "Choose between 1 and 100 packs.", fieldErrors: fieldErrorsOf(parsed.error) };
  const { org, user } = authz.ctx;
  const guard = await guardPaymentAttempt(org.id);
  if (!guard.ok) return guard;
  const session = await createBuyCreditsCheckout(getDb(), {
    orgId: org.id,
    userId: user.id,
    packs: parsed.data.packs,
    email: user.email,
    successUrl: returnUrl(orgSlug, "checkout=success&session_id={CHECKOUT_SESSION_ID}"),
    cancelUrl: returnUrl(orgSlug, "checkout=canceled"),
  });
  return { ok: true, url: session.url };
}

export async function addCardAction(orgSlug: string): Promise<BillingActionResult<{ url?: string }>> {
  const authz = await authorizeAction(orgSlug, { owner: true, message: OWNER_ONLY_PAYMENT });
  if (!authz.ok) return authz;
  const { org, user } = authz.ctx;
  const guard = await guardPaymentAttempt(org.id);
  if (!guard.ok) return guard;
  const session = await createCardSetupCheckout(getDb(), {
    orgId: org.id,
    userId: user.id,
    email: user.email,
    successUrl: returnUrl(orgSlug, "setup=success&session_id={CHECKOUT_SESSION_ID}"),
    cancelUrl: returnUrl(orgSlug, "setup=canceled"),
  });
  return { ok: true, url: session.url };
}

/** Free → a paid plan through a hosted Checkout Session (mode `subscription`). `planId`: "starter" | "pro". */
export async function upgradePlanAction(orgSlug: string, planId: unknown): Promise<BillingActionResult<{ url?: string }>> {
  const authz = await authorizeAction(orgSlug, { owner: true, message: OWNER_ONLY_PAYMENT });
  if (!authz.ok) return authz;
  const target = z.enum(["starter", "pro"]).safeParse(planId);
  if (!target.success) return { ok: false, code: "invalid_plan", message: "Choose Starter or Pro." };
  const { org, user } = authz.ctx;
  if (org.plan !== "free") return { ok: false, code: "already_subscribed", message: "This organization already has a plan: change it with Manage plan." };
  const guard = await guardPaymentAttempt(org.id);
  if (!guard.ok) return guard;
  const session = await createSubscriptionCheckout(getDb(), {
    orgId: org.id,
    userId: user.id,
    planId: target.data,
    email: user.email,
    successUrl: returnUrl(orgSlug, "upgrade=success&session_id={CHECKOUT_SESSION_ID}"),
    cancelUrl: returnUrl(orgSlug, "upgrade=canceled"),
  });
  return { ok: true, url: session.url };
}

export async function managePlanAction(orgSlug: string): Promise<BillingActionResult<{ url?: string }>> {
  const authz = await authorizeAction(orgSlug, { owner: true, message: OWNER_ONLY_PAYMENT });
  if (!authz.ok) return authz;
  const portal = await createBillingPortalSession(getDb(), { orgId: authz.ctx.org.id, returnUrl: returnUrl(orgSlug, "portal=return") });
  if (!portal) return { ok: false, code: "no_customer", message: "No subscription to manage yet." };
  return { ok: true, url: portal.url };
}

export async function dismissIncidentAction(orgSlug: string, incidentId: unknown): Promise<BillingActionResult> {
  const authz = await authorizeAction(orgSlug, { owner: true, message: "Only the organization owner can dismiss billing alerts." });
  if (!authz.ok) return authz;
  const id = z.uuid().safeParse(incidentId);
  if (!id.success || !(await dismissIncident(getDb(), { orgId: authz.ctx.org.id, incidentId: id.data, userId: authz.ctx.user.id }))) {
    return { ok: false, code: "not_found", message: "This alert no longer exists." };
  }
  revalidatePath(billingPath(orgSlug));
  return { ok: true };
}

/** Any member (editors above all): emails the owners asking for a top-up, at most once per 10 minutes per requester. */
export async function requestTopUpAction(orgSlug: string): Promise<BillingActionResult> {
  const authz = await authorizeAction(orgSlug, { owner: false });
  if (!authz.ok) return authz;
  const { org, user } = authz.ctx;
  const bucket = Math.floor(Date.now() / 600_000);
  const ids = await recordEmail(getDb(), {
    orgId: org.id,
    kind: "top_up_request",
    content: topUpRequestEmail({ orgName: org.name, requesterEmail: user.email, note: null, billingUrl: `${env().APP_URL}${billingPath(orgSlug)}` }),
    dedupeKey: `top_up_request:${user.id}:${bucket}`,
  });
  await enqueueEmails(ids);
  return { ok: true, message: "We emailed the owners of this organization." };
}
