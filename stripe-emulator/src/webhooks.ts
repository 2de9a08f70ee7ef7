import { createHmac } from 'node:crypto';
import { newId, nowSeconds, randomToken } from './ids.js';
import { render, type StripeObject } from './store.js';
import type { Emulator } from './emulator.js';

export interface WebhookTarget {
  id: string;
  url: string;
  secret: string;
  enabled_events: string[];
}

export interface DeliveryAttempt {
  id: string;
  event_id: string;
  event_type: string;
  endpoint_id: string;
  url: string;
  attempt: number;
  /** HTTP status of the receiver's answer; null on network error or dropped attempt. */
  status: number | null;
  ok: boolean;
  error: string | null;
  dropped: boolean;
  signature_valid: boolean;
  at: string;
  duration_ms: number;
}

interface Job {
  event: StripeObject;
  target: WebhookTarget;
}

function signPayload(secret: string, payload: string, timestamp = nowSeconds()): string {
  const v1 = createHmac('sha256', secret).update(`${timestamp}.${payload}`).digest('hex');
  return `t=${timestamp},v1=${v1}`;
}

/** Asynchronous, per-endpoint ordered delivery with compressed exponential retries and fault injection. */
export class WebhookDispatcher {
  readonly deliveries: DeliveryAttempt[] = [];
  cliTarget: WebhookTarget | null = null;
  private readonly queues = new Map<string, Job[]>();
  private readonly running = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private inFlight = 0;
  private closed = false;

  constructor(private readonly emulator: Emulator) {}

  setCliTarget(url: string | undefined, secret: string | undefined): void {
    this.cliTarget = url ? { id: 'we_cli', url, secret: secret ?? `whsec_${randomToken(32)}`, enabled_events: ['*'] } : null;
  }

  endpointsFor(eventType: string): WebhookTarget[] {
    const targets: WebhookTarget[] = [];
    if (this.cliTarget) targets.push(this.cliTarget);
    for (const endpoint of this.emulator.store.list('webhook_endpoint', (e) => e.status === 'enabled')) {
      const events = endpoint.enabled_events as string[];
      if (events.includes('*') || events.includes(eventType)) {
        targets.push({ id: endpoint.id, url: endpoint.url, secret: endpoint._secret, enabled_events: events });
      }
    }
    return targets;
  }

  /** `drop_webhooks`: `true` (every event) or the event types that are lost. */
  private lost(eventType: string): boolean {
    const drop = this.emulator.faults.drop_webhooks;
    return drop === true || (Array.isArray(drop) && drop.includes(eventType));
  }

  enqueue(event: StripeObject, targets: WebhookTarget[]): void {
    for (const target of targets) {
      if (this.lost(event.type)) {
        // "webhook lost": the event exists (API, /v1/events) but is never sent, not even retried
        this.deliveries.push({
          id: newId('whdel', 16),
          event_id: event.id,
          event_type: event.type,
          endpoint_id: target.id,
          url: target.url,
          attempt: 1,
          status: null,
          ok: false,
          error: 'webhook lost (drop_webhooks fault)',
          dropped: true,
          signature_valid: true,
          at: new Date().toISOString(),
          duration_ms: 0,
        });
        continue;
      }
      const queue = this.queues.get(target.id) ?? [];
      this.queues.set(target.id, queue);
      queue.push({ event, target });
      if (this.emulator.faults.duplicate_deliveries) queue.push({ event, target });
      setImmediate(() => void this.pump(target.id));
    }
  }

  /** True when no delivery is queued, running or waiting for a retry. */
  get idle(): boolean {
    return this.inFlight === 0 && this.timers.size === 0 && [...this.queues.values()].every((q) => q.length === 0);
  }

  private async pump(targetId: string): Promise<void> {
    if (this.running.has(targetId) || this.closed) return;
    this.running.add(targetId);
    try {
      const queue = this.queues.get(targetId) ?? [];
      while (queue.length > 0 && !this.closed) {
        const index = this.emulator.faults.shuffle ? Math.floor(Math.random() * queue.length) : 0;
        const [job] = queue.splice(index, 1);
        const delay = this.emulator.faults.delay_ms ?? 0;
        if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
        await this.attempt(job!, 1);
      }
    } finally {
      this.running.delete(targetId);
    }
  }

  private async attempt(job: Job, attempt: number): Promise<void> {
    if (this.closed) return;
    const faults = this.emulator.faults;
    const started = Date.now();
    const record: DeliveryAttempt = {
      id: newId('whdel', 16),
      event_id: job.event.id,
      event_type: job.event.type,
      endpoint_id: job.target.id,
      url: job.target.url,
      attempt,
      status: null,
      ok: false,
      error: null,
      dropped: false,
      signature_valid: !faults.wrong_signature,
      at: new Date().toISOString(),
      duration_ms: 0,
    };
    if (attempt === 1 && faults.drop_first_attempt) {
      record.dropped = true;
      record.error = 'dropped by fault injection';
    } else {
      this.inFlight++;
      try {
        const payload = JSON.stringify(render(job.event), null, 2);
        const secret = faults.wrong_signature ? `whsec_wrong_${randomToken(16)}` : job.target.secret;
        const response = await fetch(job.target.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
            'stripe-signature': signPayload(secret, payload),
          },
          body: payload,
          signal: AbortSignal.timeout(10_000),
        });
        await response.arrayBuffer().catch(() => undefined);
        record.status = response.status;
        record.ok = response.status >= 200 && response.status < 300;
      } catch (error) {
        record.error = error instanceof Error ? error.message : String(error);
      } finally {
        this.inFlight--;
      }
    }
    record.duration_ms = Date.now() - started;
    this.deliveries.push(record);
    if (!record.ok && attempt < this.emulator.config.maxDeliveryAttempts) {
      const wait = this.emulator.config.retryBaseMs * 2 ** (attempt - 1);
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void this.attempt(job, attempt + 1);
      }, wait);
      this.timers.add(timer);
    }
  }

  clear(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.queues.clear();
    this.deliveries.length = 0;
  }

  close(): void {
    this.closed = true;
    this.clear();
  }
}
