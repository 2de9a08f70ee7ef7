import type { ApiKeyScope } from "@/db/schema";
import { apiEndpoint, type ApiCall, type ApiEndpoint, type EndpointOptions } from "./endpoint";
import { readBodyLimited } from "./read-body";
import { toResponse, type ApiReply } from "./responses";

/** A Next.js route handler: `(request, { params })` → `Response`. */
type RouteHandler<P> = (request: Request, context?: { params: Promise<P> }) => Promise<Response>;

/**
 * An `ApiEndpoint` (./endpoint) as a Next.js route handler. The body is read only after the key is
 * accepted, streamed and cut off at the endpoint's limit (413).
 */
export function routeHandler<P = object>(endpoint: ApiEndpoint<P>): RouteHandler<P> {
  return async (request, context) =>
    toResponse(
      await endpoint({
        authorization: request.headers.get("authorization"),
        requestId: request.headers.get("x-request-id"),
        body: () => readBodyLimited(request, endpoint.bodyLimit),
        query: new URL(request.url).searchParams,
        params: context?.params ? await context.params : ({} as P),
      }),
    );
}

/**
 * The API-key route shell: `export const POST = withApiKey(["billing:write"], async ({ key, body }) => …, { body: schema })`.
 * See `apiEndpoint` for the order of checks and the catch-all.
 */
export function withApiKey<B = undefined, Q = undefined, P = object>(
  scopes: readonly ApiKeyScope[],
  handler: (call: ApiCall<B, Q, P>) => Promise<ApiReply>,
  opts: EndpointOptions<B, Q> = {},
): RouteHandler<P> {
  return routeHandler(apiEndpoint(scopes, handler, opts));
}
