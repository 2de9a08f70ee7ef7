/** JSON bodies of the REST API. Errors are `{ error: { code, message, fields? } }`. */
export type ApiErrorCode =
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "invalid_request"
  | "insufficient_credits"
  | "internal_error";

export function apiError(status: number, code: ApiErrorCode, message: string, fields?: Record<string, string>): Response {
  return Response.json({ error: { code, message, ...(fields ? { fields } : {}) } }, { status });
}

/** zod issues → `{ "path.to.field": "message" }` (first message per field). */
export function fieldErrors(issues: readonly { path: readonly PropertyKey[]; message: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of issues) {
    const key = i.path.map(String).join(".") || "body";
    out[key] ??= i.message;
  }
  return out;
}

/** Parses a JSON body; null when it is not valid JSON. */
export async function readJson(request: Request): Promise<unknown | null> {
  try {
    return await request.json();
  } catch {
    return null;
  }
}
