"use server";

import { z } from "zod";
import { getDb } from "@/db/client";
import { ownerAction } from "@/lib/actions/action-shell";
import type { ActionResult } from "@/lib/actions/action-result";
import { OWNER_ONLY_PAYMENT } from "@/lib/billing/messages";
import { guardPaymentAttempt } from "@/lib/rate-limit/payment-limit";
import { createSubscriptionCheckout } from "@/lib/stripe/checkout";
import { billingReturnUrl } from "./paths";

type RedirectResult = ActionResult<{ url?: string }>;

const run = ownerAction(
  z.enum(["starter", "pro"]),
  async ({ ctx: { org, user }, input: planId, orgSlug }): Promise<RedirectResult> => {
    if (org.plan !== "free") return { ok: false, code: "already_subscribed", message: "This organization already has a plan: change it with Manage plan." };
    const guard = await guardPaymentAttempt(org.id);
    if (!guard.ok) return guard;
    const session = await createSubscriptionCheckout(getDb(), {
      orgId: org.id,
      userId: user.id,
      planId,
      email: user.email,
      successUrl: billingReturnUrl(orgSlug, "upgrade=success&session_id={CHECKOUT_SESSION_ID}"),
      cancelUrl: billingReturnUrl(orgSlug, "upgrade=canceled"),
    });
    return { ok: true, url: session.url };
  },
  { denied: OWNER_ONLY_PAYMENT, invalid: { code: "invalid_plan", message: "Choose Starter or Pro." } },
);

/** Owner only: Free → a paid plan through a hosted Checkout Session (mode `subscription`). `planId`: "starter" | "pro". */
export async function upgradePlanAction(orgSlug: string, planId: unknown): Promise<RedirectResult> {
  return run(orgSlug, planId);
}
