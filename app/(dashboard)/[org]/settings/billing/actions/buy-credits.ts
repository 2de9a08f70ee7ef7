"use server";

import { getDb } from "@/db/client";
import { ownerAction } from "@/lib/actions/action-shell";
import type { ActionResult } from "@/lib/actions/action-result";
import { OWNER_ONLY_BUY } from "@/lib/billing/messages";
import { guardPaymentAttempt } from "@/lib/rate-limit/payment-limit";
import { createBuyCreditsCheckout } from "@/lib/stripe/checkout";
import { INVALID_PACKS, packsInput } from "./packs-input";
import { billingReturnUrl } from "./paths";

type RedirectResult = ActionResult<{ url?: string }>;

const run = ownerAction(
  packsInput,
  async ({ ctx: { org, user }, input, orgSlug }): Promise<RedirectResult> => {
    const guard = await guardPaymentAttempt(org.id);
    if (!guard.ok) return guard;
    const session = await createBuyCreditsCheckout(getDb(), {
      orgId: org.id,
      userId: user.id,
      packs: input.packs,
      email: user.email,
      successUrl: billingReturnUrl(orgSlug, "checkout=success&session_id={CHECKOUT_SESSION_ID}"),
      cancelUrl: billingReturnUrl(orgSlug, "checkout=canceled"),
    });
    return { ok: true, url: session.url };
  },
  { denied: OWNER_ONLY_BUY, invalid: INVALID_PACKS },
);

/** Owner only: a hosted Checkout Session (mode `payment`) for `packs` packs → `{ url }`. */
export async function buyCreditsAction(orgSlug: string, packs: unknown): Promise<RedirectResult> {
  return run(orgSlug, packs);
}
