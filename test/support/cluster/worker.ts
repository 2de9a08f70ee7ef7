// Stand-in web process: binds PORT like scripts/server.ts (same listen + message), answers its pid, drains on SIGTERM.
import { createServer } from "node:http";
import { reportReadyToPrimary } from "../../../scripts/lib/cluster";
import { listen, listenErrorMessage } from "../../../scripts/lib/serve";

const port = Number(process.env.PORT);
const server = createServer((_req, res) => res.end(String(process.pid)));
try {
  await listen(server, port);
} catch (err) {
  console.error(listenErrorMessage(err as NodeJS.ErrnoException, port));
  process.exit(1);
}
process.on("SIGTERM", () => server.close(() => process.exit(0)));
reportReadyToPrimary();
