import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { memberRoute } from "@/lib/auth/guards";
import { env } from "@/lib/env";
import { parseUuid } from "@/lib/validation/ids";
import { startVerification } from "@/lib/recharge/verification";

export const dynamic = "force-dynamic";

/**
 * "Complete verification": owner only (role from the DB). Confirms the attempt's PaymentIntent on-session
 * with a return_url and redirects to `next_action.redirect_to_url` (3-D Secure page of the bank/emulator).
 */
export const GET = memberRoute<{ org: string; attemptId: string }>(
  async ({ ctx, params: { org: slug, attemptId } }) => {
    const base = `${env().APP_URL}/${slug}/settings/billing`;
    if (ctx.role !== "owner") return NextResponse.redirect(`${base}?verify=forbidden`);
    if (!parseUuid(attemptId)) return new Response("Not found", { status: 404 });
    const r = await startVerification(getDb(), { orgId: ctx.org.id, attemptId, returnUrl: `${base}/verify/${attemptId}/return` });
    if (r.kind === "redirect") return NextResponse.redirect(r.url);
    if (r.kind === "settled") return NextResponse.redirect(`${base}?verify=${r.status}`);
    return NextResponse.redirect(`${base}?verify=error`);
  },
  {
    signedOut: ({ org: slug, attemptId }) =>
      NextResponse.redirect(`${env().APP_URL}/sign-in?callbackUrl=${encodeURIComponent(`/${slug}/settings/billing/verify/${attemptId}`)}`),
  },
);
