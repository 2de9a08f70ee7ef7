// Stand-in web process: binds PORT like scripts/server.ts (same listen + message), answers its pid, drains on SIGTERM.
// With REFILL_WORKERS > 1 it routes debits by org as scripts/server.ts does (lib/usage/org-affinity.ts), its "debit"
// recording which process flushed it: GET /whoami → {pid, index}; GET /debit/<org>[?hang] → {owner, servedBy}
// (`hang`: the owner never answers, and prints "hanging <org> in <pid>").
import { createServer } from "node:http";
import type { DebitResult } from "@/lib/ledger";
import { createOrgAffinity, isAffinityMessage } from "@/lib/usage/org-affinity";
import { reportReadyToPrimary, sendToPrimary } from "../../../scripts/lib/cluster";
import { listen, listenErrorMessage } from "../../../scripts/lib/serve";

const port = Number(process.env.PORT);
const index = Number(process.env.REFILL_WORKER_INDEX ?? 0);
const affinity = createOrgAffinity({
  self: index,
  workers: Number(process.env.REFILL_WORKERS ?? 1),
  send: sendToPrimary,
  local: (orgId, requests) => {
    if (requests[0]!.idempotencyKey === "hang") {
      console.log(`hanging ${orgId} in ${process.pid}`);
      return new Promise<DebitResult[]>(() => {});
    }
    return Promise.resolve([{ ok: true, id: String(process.pid), quantity: 1, balance: {} as never, replayed: false }]);
  },
});
process.on("message", (m: unknown) => {
  if (isAffinityMessage(m)) affinity.receive(m);
});

const server = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://x");
  const debit = /^\/debit\/(.+)$/.exec(url.pathname);
  if (url.pathname === "/whoami") return void res.end(JSON.stringify({ pid: process.pid, index }));
  if (!debit) return void res.end(String(process.pid));
  affinity.debit(debit[1]!, [{ quantity: 1, idempotencyKey: url.searchParams.has("hang") ? "hang" : null }]).then(
    ([r]) => res.end(JSON.stringify({ owner: r!.ok ? r!.id : null, servedBy: String(process.pid) })),
    (err: { applied?: unknown }) => {
      res.statusCode = 500;
      res.end(JSON.stringify({ applied: err.applied ?? null }));
    },
  );
});
try {
  await listen(server, port);
} catch (err) {
  console.error(listenErrorMessage(err as NodeJS.ErrnoException, port));
  process.exit(1);
}
process.on("SIGTERM", () => server.close(() => process.exit(0)));
reportReadyToPrimary();
