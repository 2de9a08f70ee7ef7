import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * The usage ingestion path as `npm start` serves it (lib/http on Node's http server, no Next.js), on a free
 * port. Import after DATABASE_URL is set: the handler opens the shared pool. `other` answers the requests
 * that are not ingestion routes (returns true when it did); else 404. `close()` stops it.
 */
export async function startIngestServer(other?: (req: IncomingMessage, res: ServerResponse) => boolean): Promise<{ url: string; close: () => Promise<void> }> {
  const { handleIngestRequest } = await import("@/lib/http/ingest-handler");
  const server = createServer((req, res) => {
    if (!handleIngestRequest(req, res) && !other?.(req, res)) res.writeHead(404).end("not an ingestion route");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
