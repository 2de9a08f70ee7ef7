import net from "node:net";
import autocannon from "autocannon";
import postgres from "postgres";
import Stripe from "stripe";
import { v7 as uuidv7 } from "uuid";

export interface Throughput {
  /** operations per second (debits, renders, events) */
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/**
 * (1) The raw-SQL baseline: the realistic debit transaction of a keyless usage request (lock the balance
 * row, update it with pool order, insert its ledger entry — the rows the app writes for it) issued straight
 * through the driver by `clients` concurrent connections, one transaction per debit.
 */
export async function rawSqlDebits(databaseUrl: string, orgId: string, clients: number, seconds: number): Promise<Throughput> {
  return clientLoops(databaseUrl, clients, seconds, 1, async (sql) => {
    await sql.begin(async (tx) => {
      const [b] = await tx`SELECT plan_credits, topup_credits FROM credit_balances WHERE org_id = ${orgId} FOR UPDATE`;
      const fromPlan = Math.min(b!.plan_credits, 1);
      const plan = b!.plan_credits - fromPlan;
      const topup = b!.topup_credits - (1 - fromPlan);
      await tx`UPDATE credit_balances SET plan_credits = ${plan}, topup_credits = ${topup}, updated_at = now() WHERE org_id = ${orgId}`;
      const id = uuidv7();
      await tx`INSERT INTO ledger_entries (org_id, pool, delta, kind, reference, balance_after)
               VALUES (${orgId}, ${fromPlan ? "plan" : "topup"}, -1, 'usage', ${id}, ${fromPlan ? plan : topup})`;
    });
  });
}

/**
 * A TCP connection to PostgreSQL with Nagle's algorithm off, as libpq and pgjdbc open theirs. postgres.js opens
 * its sockets with it on, and a message it writes right after a `COPY` then waits for the server's delayed ACK:
 * ≈ 40 ms per transaction on Linux, which made (4c) measure that timer rather than PostgreSQL.
 */
function noDelaySocket(options: { host: string[]; port: number[] }): net.Socket {
  return net.connect({ host: options.host[0], port: options.port[0], noDelay: true });
}

/**
 * `clients` connections each running `op` in a loop for `seconds`: `perSecond` counts `rowsPerOp` per op that
 * succeeded; p50/p99 are op latencies (ms); a failed op counts as an error.
 */
export async function clientLoops(
  databaseUrl: string,
  clients: number,
  seconds: number,
  rowsPerOp: number,
  op: (sql: postgres.Sql) => Promise<void>,
): Promise<Throughput> {
  // `socket` is postgres.js's documented custom-socket option, missing from its types
  const sql = postgres(databaseUrl, { max: clients, onnotice: () => {}, ...({ socket: noDelaySocket } as object) });
  const latencies: number[] = [];
  let errors = 0;
  const end = Date.now() + seconds * 1000;
  async function loop() {
    while (Date.now() < end) {
      const t0 = performance.now();
      try {
        await op(sql);
        latencies.push(performance.now() - t0);
      } catch {
        errors++;
      }
    }
  }
  const t0 = Date.now();
  await Promise.all(Array.from({ length: clients }, loop));
  const elapsed = (Date.now() - t0) / 1000;
  await sql.end({ timeout: 5 });
  latencies.sort((a, b) => a - b);
  return { perSecond: (latencies.length * rowsPerOp) / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99), errors };
}

/** autocannon against one endpoint; `perRequest` debits (or events) counted per 2xx response. */
export async function load(opts: {
  url: string;
  connections: number;
  seconds: number;
  headers?: Record<string, string>;
  body?: string;
  perRequest?: number;
  /** stop after this many requests instead of after `seconds` */
  amount?: number;
  setupRequest?: (req: { headers?: Record<string, string>; body?: string | Buffer }) => { headers?: Record<string, string>; body?: string | Buffer };
}): Promise<Throughput & { non2xx: number }> {
  const result = await autocannon({
    url: opts.url,
    method: "POST",
    connections: opts.connections,
    ...(opts.amount ? { amount: opts.amount } : { duration: opts.seconds }),
    headers: { "content-type": "application/json", ...opts.headers },
    body: opts.body,
    requests: opts.setupRequest ? [{ method: "POST", setupRequest: opts.setupRequest as never }] : undefined,
  });
  const ok = result["2xx"];
  return {
    perSecond: (ok * (opts.perRequest ?? 1)) / (result.duration || opts.seconds),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

/** Signs in through Auth.js's credentials endpoint and returns the Cookie header of the session. */
export async function signInCookie(appUrl: string, email: string, password: string): Promise<string> {
  const csrfRes = await fetch(`${appUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const [k, v] = pair!.split("=");
      jar.set(k!, v!);
    }
  };
  keep(csrfRes);
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const res = await fetch(`${appUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookie() },
    body: new URLSearchParams({ email, password, csrfToken, callbackUrl: `${appUrl}/` }),
  });
  keep(res);
  if (![...jar.keys()].some((k) => k.includes("session-token"))) throw new Error(`sign-in failed (${res.status})`);
  return cookie();
}

/** Server render time of a page (full response), sequentially, after `warmup` requests. */
export async function renderTimes(url: string, cookie: string, samples: number, warmup = 5): Promise<{ p50: number; p99: number }> {
  const times: number[] = [];
  for (let i = 0; i < samples + warmup; i++) {
    const t0 = performance.now();
    const res = await fetch(url, { headers: { cookie } });
    const html = await res.text();
    if (res.status !== 200 || !html.includes("Billing")) throw new Error(`page render failed: ${res.status}`);
    if (i >= warmup) times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

/** Signed `payment_intent.succeeded` events (unique ids) for autocannon's setupRequest. */
export function signedWebhookRequests(secret: string) {
  const stripe = new Stripe("sk_test_bench");
  let n = 0;
  return (req: { headers?: Record<string, string> }) => {
    n += 1;
    const payload = JSON.stringify({
      id: `evt_bench_${Date.now()}_${n}`,
      object: "event",
      type: "payment_intent.succeeded",
      api_version: "2026-10-28.endive",
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      data: { object: { id: `pi_bench_${n}`, object: "payment_intent", status: "succeeded", amount: 2000, currency: "usd", customer: null, metadata: {} } },
    });
    const header = stripe.webhooks.generateTestHeaderString({ payload, secret });
    return { ...req, headers: { ...req.headers, "content-type": "application/json", "stripe-signature": header }, body: payload };
  };
}
