"use server";

import { getDb } from "@/db/client";
import { ownerAction } from "@/lib/actions/action-shell";
import type { ActionResult } from "@/lib/actions/action-result";
import { OWNER_ONLY_PAYMENT } from "@/lib/billing/messages";
import { guardPaymentAttempt } from "@/lib/rate-limit/payment-limit";
import { createCardSetupCheckout } from "@/lib/stripe/checkout";
import { billingReturnUrl } from "./paths";

type RedirectResult = ActionResult<{ url?: string }>;

const run = ownerAction(
  null,
  async ({ ctx: { org, user }, orgSlug }): Promise<RedirectResult> => {
    const guard = await guardPaymentAttempt(org.id);
    if (!guard.ok) return guard;
    const session = await createCardSetupCheckout(getDb(), {
      orgId: org.id,
      userId: user.id,
      email: user.email,
      successUrl: billingReturnUrl(orgSlug, "setup=success&session_id={CHECKOUT_SESSION_ID}"),
      cancelUrl: billingReturnUrl(orgSlug, "setup=canceled"),
    });
    return { ok: true, url: session.url };
  },
  { denied: OWNER_ONLY_PAYMENT },
);

/** Owner only: a hosted Checkout Session (mode `setup`) to save a card → `{ url }`. */
export async function addCardAction(orgSlug: string): Promise<RedirectResult> {
  return run(orgSlug);
}
