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
 * For route handlers under `/[org]/…` (downloads, redirects): the signed-in member of `params.org` with
 * their role read from the database on this request, then `handler`. Signed out → `signedOut(params)`
 * (default: 401 "Sign in to continue."); not a member → 404 "Not found". Role checks stay in the handler
 * (each route answers an editor its own way).
 */
export function memberRoute<P extends { org: string }>(
  handler: (call: { ctx: MemberContext; params: P; request: Request }) => Promise<Response>,
  opts: { signedOut?: (params: P) => Response } = {},
): (request: Request, context: { params: Promise<P> }) => Promise<Response> {
  return async (request, context) => {
    const params = await context.params;
    const userId = await currentUserId();
    if (!userId) return opts.signedOut?.(params) ?? new Response("Sign in to continue.", { status: 401 });
    const ctx = await getMemberContext(getDb(), userId, params.org);
    if (!ctx) return new Response("Not found", { status: 404 });
    return handler({ ctx, params, request });
  };
}
