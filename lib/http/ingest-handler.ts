import type { IncomingMessage, ServerResponse } from "node:http";
import { errorReply, type ApiReply } from "@/lib/api/responses";
import { postUsage, postUsageBatch } from "@/lib/usage/usage-endpoints";

/**
 * The usage ingestion endpoints served straight on Node's `http` server, in front of Next.js (scripts/server.ts).
 * Customers call them on every answered call or API request; Next.js's request pipeline alone costs more
 * CPU per call than the debit itself, so the hot path skips it. Same endpoint functions, same answers as
 * the route handlers under app/api/v1/usage (the integration suite runs against both).
 */
const ENDPOINTS: Record<string, (authorization: string | undefined, body: string) => Promise<ApiReply>> = {
  "/api/v1/usage": postUsage,
  "/api/v1/usage/batch": postUsageBatch,
};

/** Largest accepted body, bytes: a full batch of 1,000 events with 255-character keys fits well. */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Answers `req` when it is `POST /api/v1/usage` or `POST /api/v1/usage/batch` and returns true; returns
 * false (nothing read, nothing written) for every other request, which the caller hands to Next.js.
 * Errors: 413 `payload_too_large` above `MAX_BODY_BYTES`; 500 `internal_error` when the database fails.
 */
export function handleIngestRequest(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== "POST" || !req.url) return false;
  const q = req.url.indexOf("?");
  const endpoint = ENDPOINTS[q < 0 ? req.url : req.url.slice(0, q)];
  if (!endpoint) return false;
  readBody(req)
    .then((body) =>
      body === null
        ? errorReply(413, "payload_too_large", `The body must be at most ${MAX_BODY_BYTES} bytes.`)
        : endpoint(req.headers.authorization, body),
    )
    .catch((err: unknown) => {
      console.error("[ingest] request failed", err);
      return errorReply(500, "internal_error", "Internal error: nothing was debited unless a retry with the same idempotency key says so.");
    })
    .then((reply) => send(res, reply));
  return true;
}

/** The body as UTF-8 text; null (and the rest discarded) when it exceeds `MAX_BODY_BYTES`. */
function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
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
