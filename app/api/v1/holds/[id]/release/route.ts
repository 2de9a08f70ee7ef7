import { BODY_LIMITS, readBodyLimited } from "@/lib/api/read-body";
import { toResponse } from "@/lib/api/responses";
import { postHoldRelease } from "@/lib/holds/holds-endpoints";

/** POST /api/v1/holds/{id}/release — see `postHoldRelease` (lib/holds/holds-endpoints.ts) for the body, answers and errors. */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await params;
  const read = await readBodyLimited(request, BODY_LIMITS.api);
  if (!read.ok) return toResponse(read.reply);
  return toResponse(await postHoldRelease(request.headers.get("authorization"), id, read.text));
}
