import { toResponse } from "@/lib/api/responses";
import { getHoldEndpoint } from "@/lib/holds/holds-endpoints";

/** GET /api/v1/holds/{id} — see `getHoldEndpoint` (lib/holds/holds-endpoints.ts). */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await params;
  return toResponse(await getHoldEndpoint(request.headers.get("authorization"), id));
}
