import { fieldMessages, type FieldErrors } from "@/lib/validation/field-errors";

/**
 * JSON bodies of the REST API. Every error is `{ error: { code, message, …extra } }` with the HTTP status
 * its code maps to below — one table, so a code never answers with two statuses.
 */
export const API_ERROR_STATUS = {
  unauthorized: 401,
  insufficient_credits: 402,
  budget_exceeded: 402,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  invalid_request: 422,
  /** a change that needs the owner's authorization (enabling auto-recharge, raising what it may charge) without `consent: true` */
  consent_required: 422,
  /** `consent_text` sent is not the text for these settings (they changed meanwhile) */
  consent_mismatch: 422,
  rate_limited: 429,
  internal_error: 500,
} as const;

type ApiErrorCode = keyof typeof API_ERROR_STATUS;

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

/**
 * `{ error: { code, message, ...extra } }` with `code`'s status. `extra` carries an endpoint's documented
 * details (`fields`, `reason`, `balance`, `applied`, …); `headers` e.g. `Retry-After`.
 */
export function errorReply(code: ApiErrorCode, message: string, extra?: Record<string, unknown>, headers?: Record<string, string>): ApiReply {
  return { status: API_ERROR_STATUS[code], body: { error: { code, message, ...extra } }, ...(headers ? { headers } : {}) };
}

/** 422 `invalid_request` with `error.fields` (one string per dotted path); `message` defaults to the first field's. */
export function invalidRequest(fields: FieldErrors, message?: string): ApiReply {
  const flat = fieldMessages(fields);
  return errorReply("invalid_request", message ?? Object.values(flat)[0] ?? "Invalid request.", { fields: flat });
}

/** The catch-all 500: nothing about the failure leaks, the contract holds. */
export function internalErrorReply(): ApiReply {
  return errorReply("internal_error", "Internal error. Retry the request; if it keeps failing, contact support.");
}

/** An `ApiReply` as a Fetch API `Response` (route handlers). */
export function toResponse(reply: ApiReply): Response {
  return Response.json(reply.body, { status: reply.status, headers: reply.headers });
}

/** Parses JSON text; null when it is not valid JSON. */
export function parseJson(text: string): unknown | null {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
