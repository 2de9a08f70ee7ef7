import { lookup } from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { bareHost, refusedAddresses } from "@/lib/validation/webhook-url";

/** What one HTTP attempt came to: the response code (null when none came), or the error. */
export interface SendResult {
  status: number | null;
  error: string | null;
  durationMs: number;
}

/** Bytes of a response body read before the connection is dropped (the body is not used). */
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * The addresses `hostname` resolves to (all of them), refused unless every one may be reached: the SSRF check
 * runs after DNS, and the connection then goes to the checked address (no second lookup to rebind).
 */
export async function resolveAllowed(
  hostname: string,
  allowPrivate: boolean,
): Promise<{ ok: true; address: string; family: 4 | 6 } | { ok: false; error: string }> {
  const host = bareHost(hostname);
  let addresses: { address: string; family: number }[];
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await lookup(host, { all: true, verbatim: true });
    } catch (err) {
      return { ok: false, error: `DNS lookup of ${host} failed (${(err as NodeJS.ErrnoException).code ?? "error"})` };
    }
  }
  if (addresses.length === 0) return { ok: false, error: `${host} has no address` };
  const refused = refusedAddresses(
    addresses.map((a) => a.address),
    { allowPrivate },
  );
  if (refused.length > 0) return { ok: false, error: `Refused: ${host} resolves to a non-public address (${refused[0]})` };
  const first = addresses[0]!;
  return { ok: true, address: first.address, family: first.family === 6 ? 6 : 4 };
}

/**
 * POSTs `body` to `url` once: DNS + SSRF check, a connection to the checked address, `timeoutMs` for the
 * whole attempt, redirects never followed (a 3xx is just its status). Never throws.
 */
export async function postWebhook(p: {
  url: string;
  body: string;
  headers: Record<string, string>;
  allowPrivate: boolean;
  timeoutMs: number;
}): Promise<SendResult> {
  const started = performance.now();
  const done = (status: number | null, error: string | null): SendResult => ({ status, error, durationMs: Math.round(performance.now() - started) });
  const url = new URL(p.url);
  const resolved = await resolveAllowed(url.hostname, p.allowPrivate);
  if (!resolved.ok) return done(null, resolved.error);
  const pinned: LookupFunction = (_host, options, cb) => {
    if (options.all)
      (cb as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: resolved.address, family: resolved.family }]);
    else cb(null, resolved.address, resolved.family);
  };
  const client = url.protocol === "https:" ? https : http;
  return new Promise<SendResult>((resolve) => {
    let settled = false;
    const finish = (status: number | null, error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(done(status, error));
    };
    const req = client.request(
      url,
      {
        method: "POST",
        lookup: pinned,
        headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(p.body)), "user-agent": "Refill-Webhooks/1.0", ...p.headers },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        let read = 0;
        res.on("data", (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_RESPONSE_BYTES) {
            res.destroy();
            finish(status, null);
          }
        });
        res.on("end", () => finish(status, null));
        res.on("error", () => finish(status, null));
        res.on("close", () => finish(status, null));
      },
    );
    const timer = setTimeout(() => {
      finish(null, `Timed out after ${p.timeoutMs / 1000} s`);
      req.destroy();
    }, p.timeoutMs);
    req.on("error", (err: NodeJS.ErrnoException) => finish(null, err.code ? `${err.code}: ${err.message}` : err.message));
    req.end(p.body);
  });
}
