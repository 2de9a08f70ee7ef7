import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApiEndpoint } from "@/lib/api/endpoint";
import { errorReply, type ApiReply } from "@/lib/api/responses";
import { getHoldEndpoint, postHold, postHoldCapture, postHoldRelease } from "@/lib/holds/holds-endpoints";
import { postUsage, postUsageBatch } from "@/lib/usage/usage-endpoints";
import { logger } from "@/lib/log";

/**
 * The usage ingestion endpoints served straight on Node's `http` server, in front of Next.js (scripts/server.ts).
 * Customers call them on every answered call or API request; Next.js's request pipeline alone costs more
 * CPU per call than the debit itself, so the hot path skips it. Same endpoint functions, same answers as
 * the route handlers under app/api/v1/usage and app/api/v1/holds (the integration suites run against both):
 * each is an `ApiEndpoint` (lib/api/endpoint), which carries its own body limit.
 */
const ENDPOINTS: Record<string, ApiEndpoint> = {
  "/api/v1/usage": postUsage,
  "/api/v1/usage/batch": postUsageBatch,
  "/api/v1/holds": postHold,
};

const HOLD_PATH = /^\/api\/v1\/holds\/([^/]+)(?:\/(capture|release))?$/;

/** The endpoint for `method` + `path` with its route params, or null when this path is not served here. */
function route(method: string, path: string): { endpoint: ApiEndpoint<{ id: string }>; params: { id: string } } | null {
  if (method === "POST" && ENDPOINTS[path]) return { endpoint: ENDPOINTS[path], params: NO_PARAMS };
  const hold = HOLD_PATH.exec(path);
  if (!hold) return null;
  const params = { id: decodeURIComponentSafe(hold[1]!) };
  if (method === "GET" && !hold[2]) return { endpoint: getHoldEndpoint, params };
  if (method !== "POST" || !hold[2]) return null;
  return { endpoint: hold[2] === "capture" ? postHoldCapture : postHoldRelease, params };
}

const NO_PARAMS = { id: "" };

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s; // not a hold id either way: 404
  }
}

/**
 * Answers `req` when it is `POST /api/v1/usage`, `POST /api/v1/usage/batch`, `POST /api/v1/holds`,
 * `POST /api/v1/holds/{id}/capture|release` or `GET /api/v1/holds/{id}` and returns true; returns false
 * (nothing read, nothing written) for every other request, which the caller hands to Next.js.
 * Errors: 413 `payload_too_large` above the body limit (1 MiB usage, 64 KiB holds); 500 `internal_error`
 * when the database fails.
 */
export function handleIngestRequest(req: IncomingMessage, res: ServerResponse): boolean {
  if (!req.method || !req.url) return false;
  const q = req.url.indexOf("?");
  const found = route(req.method, q < 0 ? req.url : req.url.slice(0, q));
  if (!found) return false;
  const { endpoint, params } = found;
  const limit = endpoint.bodyLimit;
  readBody(req, limit)
    .then((body) =>
      body === null
        ? errorReply("payload_too_large", `The body must be at most ${limit} bytes.`)
        : endpoint({ authorization: req.headers.authorization, requestId: req.headers["x-request-id"] as string | undefined, body, params }),
    )
    .catch((err: unknown) => {
      logger.error({ err, component: "ingest" }, "request failed");
      return errorReply("internal_error", "Internal error: nothing was debited unless a retry with the same idempotency key says so.");
    })
    .then((reply) => send(res, reply));
  return true;
}

/** The body as UTF-8 text; null (and the rest discarded) when it exceeds `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(tooLarge ? null : Buffer.concat(chunks, size).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, reply: ApiReply): void {
  const json = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(json),
    "cache-control": "no-store",
    ...reply.headers,
  });
  res.end(json);
}
