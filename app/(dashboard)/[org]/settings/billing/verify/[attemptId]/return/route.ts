import { NextResponse } from "next/server";
import { revalidatePath } from "next/cache";
import { getDb } from "@/db/client";
import { getMemberContext } from "@/lib/auth/membership";
import { currentUserId } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { parseUuid } from "@/lib/validation/ids";
import { completeVerification } from "@/lib/recharge/verification";

export const dynamic = "force-dynamic";

/** Back from 3-D Secure: re-read the PaymentIntent, converge the attempt (credits land once), go to Billing. */
export async function GET(_req: Request, { params }: { params: Promise<{ org: string; attemptId: string }> }) {
  const { org: slug, attemptId } = await params;
  const base = `${env().APP_URL}/${slug}/settings/billing`;
  const userId = await currentUserId();
  if (!userId) return NextResponse.redirect(`${env().APP_URL}/sign-in`);
  const db = getDb();
  const ctx = await getMemberContext(db, userId, slug);
  if (!ctx || !parseUuid(attemptId)) return new Response("Not found", { status: 404 });
  const r = await completeVerification(db, { orgId: ctx.org.id, attemptId });
  revalidatePath(`/${slug}/settings/billing`);
  return NextResponse.redirect(`${base}?verify=${r.status}`);
}
