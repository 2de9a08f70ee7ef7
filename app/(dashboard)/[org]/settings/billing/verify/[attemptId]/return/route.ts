import { NextResponse } from "next/server";
import { revalidatePath } from "next/cache";
import { getDb } from "@/db/client";
import { memberRoute } from "@/lib/auth/guards";
import { env } from "@/lib/env";
import { parseUuid } from "@/lib/validation/ids";
import { completeVerification } from "@/lib/recharge/verification";

export const dynamic = "force-dynamic";

/** Back from 3-D Secure: re-read the PaymentIntent, converge the attempt (credits land once), go to Billing. */
export const GET = memberRoute<{ org: string; attemptId: string }>(
  async ({ ctx, params: { org: slug, attemptId } }) => {
    if (!parseUuid(attemptId)) return new Response("Not found", { status: 404 });
    const r = await completeVerification(getDb(), { orgId: ctx.org.id, attemptId });
    revalidatePath(`/${slug}/settings/billing`);
    return NextResponse.redirect(`${env().APP_URL}/${slug}/settings/billing?verify=${r.status}`);
  },
  { signedOut: () => NextResponse.redirect(`${env().APP_URL}/sign-in`) },
);
