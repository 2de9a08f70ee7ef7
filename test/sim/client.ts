import type { World } from "./world";

/** What the simulated customer sent and saw, per idempotency key (every request carries one). */
export interface ClientLog {
  /** key → the org and quantity sent with it (usage and batch events; hold keys with kind) */
  sent: Map<string, { org: number; quantity: number; kind: "usage" | "hold" | "capture" }>;
  /** keys answered 200/202 (with the quantity the answer reported) */
  ok: Map<string, number>;
  /** keys with a 500 `applied: "unknown"` or no answer at all, never answered 200 since */
  unknown: Set<string>;
  /** keys answered 200 since the last continuous check (checked incrementally) */
  newOk: string[];
  /** single-usage keys whose request finished (candidates for a deliberate client retry) */
  done: string[];
  /** key → every answer seen ("200", "402", "500:false", "0" for none…), for the failure report */
  answers: Map<string, string[]>;
  /** usage answered 402 since the last look (org, when the request was sent): checked after each op */
  refused: { org: number; key: string; sentAt: number }[];
  seq: number;
}

export function newClientLog(): ClientLog {
  return { sent: new Map(), ok: new Map(), unknown: new Set(), newOk: [], done: [], answers: new Map(), refused: [], seq: 0 };
}

type Reply = { status: number; body: Record<string, unknown> } | { status: 0; body: { error: string } };

async function call(world: World, org: number, path: string, body: unknown): Promise<Reply> {
  try {
    const res = await fetch(`${world.ingestUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${world.orgs[org]!.key}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(20_000),
    });
    return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
  } catch (err) {
    return { status: 0, body: { error: String(err) } };
  }
}

/** Records one answer for `key`: a 200 binds it; a 500 that may have applied (or no answer) leaves it unknown. */
function record(log: ClientLog, key: string, status: number, body: Record<string, unknown>): void {
  const applied = (body.error as { applied?: unknown } | undefined)?.applied;
  log.answers.set(key, [...(log.answers.get(key) ?? []), applied === undefined ? String(status) : `${status}:${String(applied)}`]);
  if (status === 200 || status === 202) {
    const q = (body.captured_quantity ?? body.quantity) as number;
    if (!log.ok.has(key)) log.newOk.push(key);
    log.ok.set(key, q);
    log.unknown.delete(key);
  } else if (status === 0 || (status >= 500 && applied !== false)) {
    if (!log.ok.has(key)) log.unknown.add(key);
  }
}

export function newKey(log: ClientLog, prefix: string): string {
  return `${prefix}-${++log.seq}`;
}

/** One POST /api/v1/usage with `key` (a new one, or a deliberate retry of an earlier one). */
export async function usageOnce(world: World, log: ClientLog, org: number, quantity: number, key: string): Promise<void> {
  log.sent.set(key, { org, quantity, kind: "usage" });
  const sentAt = Date.now();
  const r = await call(world, org, "/api/v1/usage", { quantity, idempotency_key: key });
  record(log, key, r.status, r.body);
  if (r.status === 402) log.refused.push({ org, key, sentAt });
  log.done.push(key);
}

export async function usageBatch(world: World, log: ClientLog, org: number, quantities: number[]): Promise<void> {
  const events = quantities.map((quantity) => ({ quantity, idempotency_key: newKey(log, "b") }));
  for (const e of events) log.sent.set(e.idempotency_key, { org, quantity: e.quantity, kind: "usage" });
  const sentAt = Date.now();
  const r = await call(world, org, "/api/v1/usage/batch", { events });
  // each result is the single endpoint's answer with its `status` inlined
  const results = (r.status === 200 ? r.body.results : null) as ({ status: number } & Record<string, unknown>)[] | null;
  events.forEach((e, i) => {
    const one = results?.[i];
    record(log, e.idempotency_key, one ? one.status : r.status, one ?? r.body);
    if ((one ? one.status : r.status) === 402) log.refused.push({ org, key: e.idempotency_key, sentAt });
  });
}

/** A hold, then its capture (possibly above the hold, as a call may run long) or its release. */
export async function holdCycle(world: World, log: ClientLog, org: number, quantity: number, capture: number | null): Promise<void> {
  const key = newKey(log, "h");
  log.sent.set(key, { org, quantity, kind: "hold" });
  const h = await call(world, org, "/api/v1/holds", { quantity, idempotency_key: key });
  record(log, key, h.status, h.body);
  if (h.status !== 202) return;
  const id = h.body.id as string;
  if (capture === null) {
    await call(world, org, `/api/v1/holds/${id}/release`, {});
    return;
  }
  const ck = newKey(log, "c");
  log.sent.set(ck, { org, quantity: capture, kind: "capture" });
  const c = await call(world, org, `/api/v1/holds/${id}/capture`, { quantity: capture, idempotency_key: ck });
  record(log, ck, c.status, c.body);
}
