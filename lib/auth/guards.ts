import "server-only";
import { notFound, redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { getMemberContext, type MemberContext } from "./membership";
import { currentUserId } from "./session";

/**
 * For pages: the signed-in member of `orgSlug` with their role read from the database on this request.
 * Signed out → redirect to /sign-in. Not a member → 404 (an org you cannot see does not exist for you).
 */
export async function requireMember(orgSlug: string): Promise<MemberContext> {
  const userId = await currentUserId();
  if (!userId) redirect(`/sign-in?callbackUrl=${encodeURIComponent(`/${orgSlug}/settings/billing`)}`);
  const ctx = await getMemberContext(getDb(), userId, orgSlug);
  if (!ctx) notFound();
  return ctx;
}

/**
 * For server actions: the member context or a typed refusal, never a redirect.
 * `owner: true` refuses editors with `message` (no DB write, no Stripe call happens before this).
 */
export async function authorizeAction(
  orgSlug: string,
  opts: { owner: boolean; message?: string },
): Promise<{ ok: true; ctx: MemberContext } | { ok: false; code: "unauthenticated" | "not_found" | "forbidden"; message: string }> {
  const userId = await currentUserId();
  if (!userId) return { ok: false, code: "unauthenticated", message: "Sign in to continue." };
  const ctx = await getMemberContext(getDb(), userId, orgSlug);
  if (!ctx) return { ok: false, code: "not_found", message: "Organization not found." };
  if (opts.owner && ctx.role !== "owner") {
    return { ok: false, code: "forbidden", message: opts.message ?? "Only the organization owner can do this." };
  }
  return { ok: true, ctx };
}
