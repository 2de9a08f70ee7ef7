import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { getMemberContext } from "@/lib/auth/membership";
import { currentUserId } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { parseUuid } from "@/lib/validation/ids";
import { startVerification } from "@/lib/recharge/verification";

export const dynamic = "force-dynamic";

/**
 * "Complete verification": owner only (role from the DB). Confirms the attempt's PaymentIntent on-session
 * with a return_url and redirects to `next_action.redirect_to_url` (3-D Secure page of the bank/emulator).
 */
export async function GET(_req: Request, { params }: { params: Promise<{ org: string; attemptId: string }> }) {
  const { org: slug, attemptId } = await params;
  const base = `${env().APP_URL}/${slug}/settings/billing`;
  const userId = await currentUserId();
  if (!userId) return NextResponse.redirect(`${env().APP_URL}/sign-in?callbackUrl=${encodeURIComponent(`/${slug}/settings/billing/verify/${attemptId}`)}`);
  const db = getDb();
  const ctx = await getMemberContext(db, userId, slug);
  if (!ctx) return new Response("Not found", { status: 404 });
  if (ctx.role !== "owner") return NextResponse.redirect(`${base}?verify=forbidden`);
  if (!parseUuid(attemptId)) return new Response("Not found", { status: 404 });
  const r = await startVerification(db, { orgId: ctx.org.id, attemptId, returnUrl: `${base}/verify/${attemptId}/return` });
  if (r.kind === "redirect") return NextResponse.redirect(r.url);
  if (r.kind === "settled") return NextResponse.redirect(`${base}?verify=${r.status}`);
  return NextResponse.redirect(`${base}?verify=error`);
}
