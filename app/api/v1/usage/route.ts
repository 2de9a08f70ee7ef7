import { toResponse } from "@/lib/api/responses";
import { postUsage } from "@/lib/usage/usage-endpoints";

/** POST /api/v1/usage — see `postUsage` (lib/usage/usage-endpoints.ts) for the body, answers and errors. */
export async function POST(request: Request): Promise<Response> {
  return toResponse(await postUsage(request.headers.get("authorization"), await request.text()));
}
