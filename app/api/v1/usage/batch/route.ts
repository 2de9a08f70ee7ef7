import { BODY_LIMITS, readBodyLimited } from "@/lib/api/read-body";
import { toResponse } from "@/lib/api/responses";
import { postUsageBatch } from "@/lib/usage/usage-endpoints";

/** POST /api/v1/usage/batch — see `postUsageBatch` (lib/usage/usage-endpoints.ts) for the body, answers and errors. */
export async function POST(request: Request): Promise<Response> {
  const read = await readBodyLimited(request, BODY_LIMITS.usage);
  if (!read.ok) return toResponse(read.reply);
  return toResponse(await postUsageBatch(request.headers.get("authorization"), read.text));
}
