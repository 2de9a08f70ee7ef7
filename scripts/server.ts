/**
 * The production web server (`npm start`, `npm run serve`, the e2e suite and `npm run bench` run it):
 * Node's `http` server answering the usage ingestion endpoints itself (lib/http/ingest-handler.ts) and
 * handing every other request to Next.js (a Next.js custom server). Expects the runtime prepared by
 * scripts/start.ts (DATABASE_URL, AUTH_SECRET, Stripe settings in the environment).
 */
import { createServer } from "node:http";
import next from "next";
import { env } from "@/lib/env";
import { handleIngestRequest } from "@/lib/http/ingest-handler";

process.title = "refill-server";
const port = env().PORT;
const app = next({ dev: false, port });
const handle = app.getRequestHandler();
await app.prepare();
const server = createServer((req, res) => {
  if (!handleIngestRequest(req, res)) void handle(req, res);
});
server.keepAliveTimeout = 65_000; // longer than common load balancers' idle timeout
server.listen(port, () => console.log(`▲ Refill listening on http://localhost:${port} (Next.js + usage ingestion)`));
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    server.close();
    void app.close().finally(() => process.exit(0));
  });
}
