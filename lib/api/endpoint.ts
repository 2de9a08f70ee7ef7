import { randomUUID } from "node:crypto";
import type { z } from "zod";
import type { ApiKeyScope } from "@/db/schema";
import { logger } from "@/lib/log";
import { fieldErrorsOf } from "@/lib/validation/field-errors";
import { authorizeApiKey, type ApiKeyIdentity } from "./api-key-auth";
import { BODY_LIMITS, type LimitedBody } from "./read-body";
import { errorReply, internalErrorReply, invalidRequest, parseJson, type ApiReply } from "./responses";

/**
 * The REST API's one request shell, framework-neutral: `Authorization` header + body text (or a reader
 * for it) + route params → `ApiReply`. In order: API key (401/403) → rate limit (429) → query (zod, 422)
 * → body (413 beyond `bodyLimit`, JSON 422, zod 422) → handler → and a catch-all that always answers
 * `{ error: { code, message } }` JSON (500 `internal_error`, or the endpoint's `onError`). Served by the
 * Next.js route handlers (`withApiKey`, `routeHandler` in ./with-api-key) and by the lean Node.js
 * ingestion path (lib/http/ingest-handler.ts), which calls the same endpoint function.
 */

export interface ApiCall<B, Q, P> {
  key: ApiKeyIdentity;
  /** the parsed body (`undefined` without a `body` schema) */
  body: B;
  /** the parsed query (`undefined` without a `query` schema) */
  query: Q;
  params: P;
}

export interface EndpointOptions<B, Q> {
  /** the JSON body's schema; without it the body is not read */
  body?: z.ZodType<B>;
  /** the 422's `message` when the body fails its schema (default: the first field's message) */
  invalidMessage?: string;
  /** an empty body stands for this value (e.g. `{}` for a body-less POST) */
  emptyBody?: unknown;
  /** the query's schema (over `Object.fromEntries(searchParams)`) */
  query?: z.ZodType<Q>;
  /** bytes; default BODY_LIMITS.api */
  bodyLimit?: number;
  /** per key, after auth: null to go on, or the 429 reply */
  rateLimit?: (keyId: string) => Promise<ApiReply | null>;
  /** the 500 for a thrown error (default `internalErrorReply`), e.g. usage's `applied` flag */
  onError?: (err: unknown) => ApiReply;
  /** for the error log */
  component?: string;
}

interface EndpointInput<P> {
  authorization: string | null | undefined;
  /** the body text, or a reader that enforces the limit itself (route handlers: read only after auth) */
  body?: string | (() => Promise<LimitedBody>);
  query?: URLSearchParams;
  params: P;
  /** the caller's `X-Request-Id` (kept when it is 1–128 of [A-Za-z0-9._:-]); else one is made */
  requestId?: string | null;
}

export interface ApiEndpoint<P = object> {
  (input: EndpointInput<P>): Promise<ApiReply>;
  /** the body limit, bytes, for whoever reads the body */
  bodyLimit: number;
}

const NO_QUERY = new URLSearchParams();
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Builds an endpoint: `handler` runs only for an authorized key with a valid query and body. */
export function apiEndpoint<B = undefined, Q = undefined, P = object>(
  scopes: readonly ApiKeyScope[],
  handler: (call: ApiCall<B, Q, P>) => Promise<ApiReply>,
  opts: EndpointOptions<B, Q> = {},
): ApiEndpoint<P> {
  const run = async (input: EndpointInput<P>): Promise<ApiReply> => {
    const requestId = input.requestId && REQUEST_ID.test(input.requestId) ? input.requestId : randomUUID();
    const reply = await answer(input, requestId);
    return { ...reply, headers: { ...reply.headers, "request-id": requestId } };
  };
  const answer = async (input: EndpointInput<P>, requestId: string): Promise<ApiReply> => {
    let orgId: string | undefined;
    try {
      const key = await authorizeApiKey(input.authorization, scopes);
      if (!key.ok) return key.reply;
      orgId = key.orgId;
      if (opts.rateLimit) {
        const limited = await opts.rateLimit(key.keyId);
        if (limited) return limited;
      }
      let query = undefined as Q;
      if (opts.query) {
        const q = opts.query.safeParse(Object.fromEntries(input.query ?? NO_QUERY));
        if (!q.success) return invalidRequest(fieldErrorsOf(q.error), "Invalid query.");
        query = q.data;
      }
      let body = undefined as B;
      if (opts.body) {
        const read = typeof input.body === "function" ? await input.body() : { ok: true as const, text: input.body ?? "" };
        if (!read.ok) return read.reply;
        const json = opts.emptyBody !== undefined && read.text.trim() === "" ? opts.emptyBody : parseJson(read.text);
        if (json === null) return errorReply("invalid_request", "The body must be valid JSON.", { fields: { body: "Invalid JSON." } });
        if (typeof json !== "object" || Array.isArray(json)) {
          return errorReply("invalid_request", "The body must be a JSON object.", { fields: { body: "Expected a JSON object." } });
        }
        const parsed = opts.body.safeParse(json);
        if (!parsed.success) return invalidRequest(fieldErrorsOf(parsed.error), opts.invalidMessage);
        body = parsed.data;
      }
      return await handler({ key, body, query, params: input.params });
    } catch (err) {
      logger.error({ err, orgId, requestId, component: opts.component ?? "api" }, "API request failed");
      return (opts.onError ?? internalErrorReply)(err);
    }
  };
  return Object.assign(run, { bodyLimit: opts.bodyLimit ?? BODY_LIMITS.api });
}
