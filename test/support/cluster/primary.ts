// A cluster primary for test/integration/cluster.test.ts: the real runClusterPrimary with a stand-in web process.
import path from "node:path";
import { runClusterPrimary } from "../../../scripts/lib/cluster";

runClusterPrimary(Number(process.env.REFILL_WORKERS), console.log, path.join(import.meta.dirname, "worker.ts"));
