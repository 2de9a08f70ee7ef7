import type { IncomingMessage, ServerResponse } from "node:http";
import { errorReply, type ApiReply } from "@/lib/api/responses";
import { getHoldEndpoint, postHold, postHoldCapture, postHoldRelease } from "@/lib/holds/holds-endpoints";
import { postUsage, postUsageBatch } from "@/lib/usage/usage-endpoints";
import { logger } from "@/lib/log";

/**
 * The usage ingestion endpoints served straight on Node's `http` server, in front of Next.js (scripts/server.ts).
 * Customers call them on every answered call or API request; Next.js's request pipeline alone costs more
 * CPU per call than the debit itself, so the hot path skips it. Same endpoint functions, same answers as
 * the route handlers under app/api/v1/usage and app/api/v1/holds (the integration suites run against both).
 */
type Endpoint = (authorization: string | undefined, body: string) => Promise<ApiReply>;

const ENDPOINTS: Record<string, Endpoint> = {
  "/api/v1/usage": postUsage,
  "/api/v1/usage/batch": postUsageBatch,
  "/api/v1/holds": postHold,
};

/** Largest accepted body, bytes: a full batch of 1,000 events with 255-character keys fits well. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Largest hold request body, bytes (as the route handlers' API limit). */
const MAX_HOLD_BODY_BYTES = 64 * 1024;

const HOLD_PATH = /^\/api\/v1\/holds\/([^/]+)(?:\/(capture|release))?$/;

/** The endpoint for `method` + `path` with its body limit, or null when this path is not served here. */
function route(method: string, path: string): { endpoint: Endpoint; limit: number } | null {
  if (method === "POST" && ENDPOINTS[path]) return { endpoint: ENDPOINTS[path], limit: path === "/api/v1/holds" ? MAX_HOLD_BODY_BYTES : MAX_BODY_BYTES };
  const hold = HOLD_PATH.exec(path);
  if (!hold) return null;
  const id = decodeURIComponentSafe(hold[1]!);
  if (method === "GET" && !hold[2]) return { endpoint: (auth) => getHoldEndpoint(auth, id), limit: MAX_HOLD_BODY_BYTES };
  if (method !== "POST" || !hold[2]) return null;
  const act = hold[2] === "capture" ? postHoldCapture : postHoldRelease;
  return { endpoint: (auth, body) => act(auth, id, body), limit: MAX_HOLD_BODY_BYTES };
}

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
  const { endpoint, limit } = found;
  readBody(req, limit)
    .then((body) =>
      body === null
        ? errorReply(413, "payload_too_large", `The body must be at most ${limit} bytes.`)
        : endpoint(req.headers.authorization, body),
    )
    .catch((err: unknown) => {
      logger.error({ err, component: "ingest" }, "request failed");
      return errorReply(500, "internal_error", "Internal error: nothing was debited unless a retry with the same idempotency key says so.");
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
