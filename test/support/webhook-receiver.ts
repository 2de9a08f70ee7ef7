import http from "node:http";
import { freePort } from "./free-port";

export interface ReceivedWebhook {
  path: string;
  headers: Record<string, string>;
  body: string;
  /** the status this receiver answered */
  answered: number;
}

/**
 * A real HTTP receiver on 127.0.0.1 for outgoing webhooks: records every request, answers what `reply`
 * says (default 200). `waitFor(n)` resolves once n requests have arrived.
 */
export async function startWebhookReceiver(
  reply: (req: ReceivedWebhook, n: number) => { status: number; headers?: Record<string, string> } = () => ({ status: 200 }),
) {
  const port = await freePort();
  const received: ReceivedWebhook[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const r: ReceivedWebhook = {
        path: req.url ?? "/",
        headers: req.headers as Record<string, string>,
        body: Buffer.concat(chunks).toString("utf8"),
        answered: 0,
      };
      const out = reply(r, received.length + 1);
      r.answered = out.status;
      received.push(r);
      res.writeHead(out.status, { "content-type": "text/plain", ...out.headers }).end("ok");
      for (const w of waiters.filter((w) => received.length >= w.n)) w.resolve();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    waitFor: (n: number, timeoutMs = 10_000) =>
      new Promise<void>((resolve, reject) => {
        if (received.length >= n) return resolve();
        const t = setTimeout(() => reject(new Error(`receiver: ${received.length} of ${n} requests after ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ n, resolve: () => (clearTimeout(t), resolve()) });
      }),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
