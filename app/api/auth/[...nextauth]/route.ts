import { NextRequest } from "next/server";
import { BODY_LIMITS, readBodyLimited } from "@/lib/api/read-body";
import { toResponse } from "@/lib/api/responses";
import { handlers } from "@/lib/auth/auth";

export const { GET } = handlers;

/** Auth.js's POST endpoints (sign-in, sign-out, CSRF) take small forms: at most 16 KiB, counted while streaming (413). */
export async function POST(request: NextRequest): Promise<Response> {
  const read = await readBodyLimited(request, BODY_LIMITS.auth);
  if (!read.ok) return toResponse(read.reply);
  return handlers.POST(new NextRequest(request.url, { method: "POST", headers: request.headers, body: read.bytes }));
}
