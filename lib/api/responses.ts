/** JSON bodies of the REST API. Errors are `{ error: { code, message, fields? } }`. */
export type ApiErrorCode =
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "invalid_request"
  | "payload_too_large"
  | "insufficient_credits"
  | "rate_limited"
  | "conflict"
  | "internal_error";

/**
 * A framework-neutral API answer: HTTP status + JSON body. Endpoint logic returns it so the same code
 * serves a Next.js route handler (`toResponse`) and the lean Node.js ingestion path (lib/http).
 */
export interface ApiReply {
  status: number;
  body: unknown;
  /** extra response headers (e.g. `Retry-After`) */
  headers?: Record<string, string>;
}

export function errorReply(status: number, code: ApiErrorCode, message: string, fields?: Record<string, string>): ApiReply {
  return { status, body: { error: { code, message, ...(fields ? { fields } : {}) } } };
}

/** An `ApiReply` as a Fetch API `Response` (route handlers). */
export function toResponse(reply: ApiReply): Response {
  return Response.json(reply.body, { status: reply.status, headers: reply.headers });
}

export function apiError(status: number, code: ApiErrorCode, message: string, fields?: Record<string, string>): Response {
  return toResponse(errorReply(status, code, message, fields));
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

/** Parses JSON text; null when it is not valid JSON. */
export function parseJson(text: string): unknown | null {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
