import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ownerOf } from "@/lib/usage/org-affinity";
import { freePort } from "../support/free-port";

// REFILL_WORKERS=N: scripts/lib/cluster.ts's primary with stand-in web processes (the real server needs a build;
// `npm run bench` measures the real one with 1 and 2 processes).
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
});

function startPrimary(port: number, workers: number) {
  const child = spawn(process.execPath, [path.resolve("node_modules/tsx/dist/cli.mjs"), "test/support/cluster/primary.ts"], {
    env: { ...process.env, PORT: String(port), REFILL_WORKERS: String(workers) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  // waits on the process's own output (a signal), never on a sleep
  let pending: (() => boolean)[] = [];
  const onData = (b: Buffer) => {
    out += b.toString();
    pending = pending.filter((check) => !check());
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  const printed = (text: string, after = 0) =>
    new Promise<void>((resolve) => {
      const check = () => out.indexOf(text, after) >= 0 && (resolve(), true);
      if (!check()) pending.push(check);
    });
  return { child, exited, printed, output: () => out };
}

async function pidsAnswering(port: number, requests: number): Promise<Set<string>> {
  const pids = new Set<string>();
  for (let i = 0; i < requests; i++) {
    const r = await fetch(`http://127.0.0.1:${port}/`, { headers: { connection: "close" } });
    pids.add(await r.text());
  }
  return pids;
}

/** GET `path` on `agent` (one keep-alive socket: the same web process each time): status and parsed body. */
function get(port: number, path: string, agent?: http.Agent): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path, agent: agent ?? false }, (res) => {
      let text = "";
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode!, body: JSON.parse(text) as Record<string, unknown> }));
    });
    req.on("error", reject);
  });
}

describe("REFILL_WORKERS: N web processes behind one port", () => {
  it("two processes answer on the same port; one killed with SIGKILL is replaced; SIGTERM stops all and exits 0", async () => {
    const port = await freePort();
    const p = startPrimary(port, 2);
    await p.printed("2 web processes ready");
    const first = await pidsAnswering(port, 20);
    expect(first.size).toBe(2);
    const victim = Number([...first][0]);
    const mark = p.output().length;
    process.kill(victim, "SIGKILL");
    await p.printed("starting a replacement", mark);
    await p.printed("2 web processes ready", mark);
    const after = await pidsAnswering(port, 20);
    expect(after.size).toBe(2);
    expect(after.has(String(victim))).toBe(false);
    p.child.kill("SIGTERM");
    expect(await p.exited).toBe(0);
  }, 60_000);

  it("org affinity: an org's debits are flushed by one process whichever serves the request; its owner's death answers applied 'unknown'", async () => {
    const port = await freePort();
    const p = startPrimary(port, 2);
    await p.printed("2 web processes ready");
    const orgs = ["0191e0a0-0000-7000-8000-000000000001", "0191e0a0-0000-7000-8000-000000000002", "0191e0a0-0000-7000-8000-000000000003"];
    const owners = new Set<unknown>();
    for (const org of orgs) {
      const answers = await Promise.all(Array.from({ length: 20 }, () => get(port, `/debit/${org}`)));
      expect(new Set(answers.map((a) => a.body.servedBy)).size).toBe(2); // both processes took requests…
      expect(new Set(answers.map((a) => a.body.owner)).size).toBe(1); // …and one flushed them all
      owners.add(answers[0]!.body.owner);
    }
    expect(owners.size).toBe(2); // the orgs are spread over both
    // A debit forwarded to its owner, which dies before answering: the process that took it answers 500, applied "unknown".
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const me = (await get(port, "/whoami", agent)).body as { pid: number; index: number };
    const org = orgs.find((o) => ownerOf(o, 2) !== me.index)!;
    const mark = p.output().length;
    const stuck = get(port, `/debit/${org}?hang`, agent);
    await p.printed(`hanging ${org} in `, mark);
    const ownerPid = Number(new RegExp(`hanging ${org} in (\\d+)`).exec(p.output().slice(mark))![1]);
    expect(ownerPid).not.toBe(me.pid);
    process.kill(ownerPid, "SIGKILL");
    expect(await stuck).toEqual({ status: 500, body: { applied: "unknown" } });
    agent.destroy();
    await p.printed("2 web processes ready", mark); // the owner's replacement
    p.child.kill("SIGTERM");
    expect(await p.exited).toBe(0);
  }, 60_000);

  it("a taken port: every process says so and the primary exits 1", async () => {
    const port = await freePort();
    const squatter = net.createServer();
    await new Promise<void>((r) => squatter.listen(port, r));
    try {
      const p = startPrimary(port, 2);
      expect(await p.exited).toBe(1);
      expect(p.output()).toContain(`Refill cannot start: port ${port} is already in use`);
      expect(p.output()).not.toContain("web processes ready");
    } finally {
      await new Promise<void>((r) => squatter.close(() => r()));
    }
  }, 60_000);
});
