import { BODY_LIMITS, readBodyLimited } from "@/lib/api/read-body";
import { toResponse } from "@/lib/api/responses";
import { postHold } from "@/lib/holds/holds-endpoints";

/** POST /api/v1/holds — see `postHold` (lib/holds/holds-endpoints.ts) for the body, answers and errors. */
export async function POST(request: Request): Promise<Response> {
  const read = await readBodyLimited(request, BODY_LIMITS.api);
  if (!read.ok) return toResponse(read.reply);
  return toResponse(await postHold(request.headers.get("authorization"), read.text));
}
