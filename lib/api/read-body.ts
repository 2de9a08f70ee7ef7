import { errorReply, type ApiReply } from "./responses";

/**
 * Body limits in bytes, per kind of endpoint. Stripe's events are far below 256 KiB; the billing API's
 * bodies are a handful of fields; a full usage batch (1,000 events, 255-character keys) fits in 1 MiB.
 */
export const BODY_LIMITS = {
  webhook: 256 * 1024,
  api: 64 * 1024,
  usage: 1024 * 1024,
  auth: 16 * 1024,
} as const;

export type LimitedBody = { ok: true; bytes: Uint8Array<ArrayBuffer>; text: string } | { ok: false; reply: ApiReply };

/**
 * Reads `request`'s body as UTF-8 while counting bytes, and stops (cancelling the stream, nothing more is
 * read or kept) as soon as it exceeds `limit` bytes. A `Content-Length` above `limit` is refused before
 * reading anything. Memory held is at most `limit` plus one chunk, whatever the client sends.
 * Answers `{ ok: true, bytes, text }` (an absent body is empty), or `{ ok: false, reply }` with
 * 413 `payload_too_large`. Throws only when the client's stream itself fails (aborted upload).
 */
export async function readBodyLimited(request: Request, limit: number): Promise<LimitedBody> {
  const tooLarge = (): LimitedBody => ({ ok: false, reply: errorReply("payload_too_large", `The body must be at most ${limit} bytes.`) });
  const declared = Number(request.headers.get("content-length") ?? "");
  if (Number.isFinite(declared) && declared > limit) {
    await request.body?.cancel().catch(() => {});
    return tooLarge();
  }
  if (!request.body) return { ok: true, bytes: new Uint8Array(0), text: "" };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return tooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return { ok: true, bytes, text: new TextDecoder().decode(bytes) };
}
