import { createDb } from "@/db/client";
import { balanceMismatches } from "./invariants";
import { load, type Throughput } from "./measure";
import { makeLoadOrg } from "./fixtures";
import { APP_URL, startStack } from "./stack";

export interface ProcessFigures {
  processes: number;
  hot: Throughput;
  spread: Throughput;
  mismatches: number;
}

/**
 * (10) `POST /api/v1/usage` for one hot org and over 1,000 orgs with `REFILL_WORKERS` = 1 and 2 web
 * processes, each on a fresh stack (same fixtures, 3 s warm-up, `seconds` per figure, `clients` connections).
 */
export async function processRounds(env: NodeJS.ProcessEnv, seconds: number, clients: number, log: (s: string) => void): Promise<ProcessFigures[]> {
  const figures: ProcessFigures[] = [];
  for (const processes of [1, 2]) {
    log(`(10) ${processes} web process${processes > 1 ? "es" : ""}: fixtures…`);
    const stack = await startStack({ ...env, REFILL_WORKERS: String(processes) });
    const db = createDb(stack.databaseUrl, { max: 4 });
    try {
      const hot = await makeLoadOrg(db.db, "bench-hot", 50_000_000);
      const many: string[] = [];
      for (let i = 0; i < 1000; i++) many.push((await makeLoadOrg(db.db, `bench-org-${i}`, 1_000_000)).key);
      const usage = (opts: { seconds: number; keys: string[] }) => {
        let k = 0;
        return load({
          url: `${APP_URL}/api/v1/usage`,
          connections: clients,
          seconds: opts.seconds,
          setupRequest: (req) => ({
            ...req,
            headers: { ...req.headers, "content-type": "application/json", authorization: `Bearer ${opts.keys[k++ % opts.keys.length]}` },
            body: JSON.stringify({ quantity: 1 }),
          }),
        });
      };
      await usage({ seconds: 3, keys: [hot.key, ...many] }); // warm-up of every process, not recorded
      const hotFigure = await usage({ seconds, keys: [hot.key] });
      const spread = await usage({ seconds, keys: many });
      figures.push({ processes, hot: hotFigure, spread, mismatches: await balanceMismatches(db.sql) });
    } finally {
      await db.close();
      await stack.stop();
    }
  }
  return figures;
}
