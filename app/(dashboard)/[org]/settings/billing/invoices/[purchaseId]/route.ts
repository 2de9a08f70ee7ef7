import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { memberRoute } from "@/lib/auth/guards";
import { invoiceLinkPath } from "@/lib/billing/invoice-links";
import { env } from "@/lib/env";
import { invoiceLinkTarget } from "@/lib/invoices/invoice-link";

export const dynamic = "force-dynamic";

/**
 * The stable invoice link of a purchase (history rows, the "successful" email): any member (role from the DB)
 * is redirected to Stripe's hosted invoice, or to the charge's receipt until the invoice is issued. Not a
 * member, not this org's purchase, or not paid → 404. Signed out → sign-in, then back here.
 */
export const GET = memberRoute<{ org: string; purchaseId: string }>(
  async ({ ctx, params: { purchaseId } }) => {
    const target = await invoiceLinkTarget(getDb(), ctx.org.id, purchaseId);
    if (!target) return new Response("No invoice or receipt for this purchase yet.", { status: 404, headers: { "cache-control": "no-store" } });
    return NextResponse.redirect(target, { status: 303, headers: { "cache-control": "no-store" } });
  },
  {
    signedOut: ({ org, purchaseId }) => NextResponse.redirect(`${env().APP_URL}/sign-in?callbackUrl=${encodeURIComponent(invoiceLinkPath(org, purchaseId))}`),
  },
);
