import { spawn } from "node:child_process";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "@/db/client";
import { createJobSender } from "@/lib/jobs/worker";
import { getBalance } from "@/lib/ledger";
import { reportUsage, drainUsageQueues } from "@/lib/usage/report-usage";
import { listen, shutdownGracefully } from "../../scripts/lib/serve";
import { makeOrg } from "../support/factories";
import { freePort } from "../support/free-port";
import { createTestDb, type TestDb } from "../support/test-db";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t?.drop();
});

describe("scripts/server.ts", () => {
  it("exits 1 with a clear message when its port is taken (nothing else is started)", async () => {
    const port = await freePort();
    const squatter = net.createServer();
    await new Promise<void>((r) => squatter.listen(port, r));
    try {
      const child = spawn(process.execPath, [path.resolve("node_modules/tsx/dist/cli.mjs"), "scripts/server.ts"], {
        env: { ...process.env, PORT: String(port), DATABASE_URL: t.url, AUTH_SECRET: "x".repeat(32), NODE_ENV: "production" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      child.stdout!.on("data", (b: Buffer) => (out += b.toString()));
      child.stderr!.on("data", (b: Buffer) => (out += b.toString()));
      const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
      expect(code).toBe(1);
      expect(out).toContain(`Refill cannot start: port ${port} is already in use`);
      expect(out).not.toContain("listening on");
    } finally {
      await new Promise<void>((r) => squatter.close(() => r()));
    }
  }, 60_000);
});

describe("graceful shutdown", () => {
  it("stops accepting, answers every accepted usage request, stops pg-boss and closes the pool", async () => {
    const org = await makeOrg(t.db, { topup: 1000 });
    const pool = createDb(t.url, { max: 4 }); // the server's own pool, closed by the shutdown
    const boss = await createJobSender(t.url, pool.db);
    let received = 0;
    let bossStopped = false;
    let allReceived: () => void = () => {};
    const gotAll = new Promise<void>((r) => (allReceived = r));
    const server = http.createServer((req, res) => {
      received++;
      if (received === 40) allReceived();
      void reportUsage(pool.db, org.id, [{ quantity: 1 }]).then(([r]) =>
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: r!.ok })),
      );
    });
    const port = await freePort();
    await listen(server, port, "127.0.0.1");
    const agent = new http.Agent({ keepAlive: true, maxSockets: 40 });
    const post = () =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request({ host: "127.0.0.1", port, method: "POST", path: "/", agent }, (res) => {
          let body = "";
          res.on("data", (c: Buffer) => (body += c.toString()));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on("error", reject);
        req.end();
      });
    const responses = Array.from({ length: 40 }, post);
    await gotAll; // 40 requests accepted, their debits queued or flushing
    await shutdownGracefully(server, {
      drainDebits: drainUsageQueues,
      stopJobs: async () => {
        await boss.stop();
        bossStopped = true;
      },
      closePool: pool.close,
      log: () => {},
    });
    const answered = await Promise.all(responses);
    expect(answered.every((r) => r.status === 200 && r.body === '{"ok":true}')).toBe(true);
    expect((await getBalance(t.db, org.id)).total).toBe(960);
    expect(server.listening).toBe(false);
    await expect(post()).rejects.toThrow(/ECONNREFUSED|socket hang up|ECONNRESET/);
    expect(bossStopped).toBe(true);
    await expect(pool.sql`SELECT 1`).rejects.toThrow();
    agent.destroy();
  }, 60_000);
});
