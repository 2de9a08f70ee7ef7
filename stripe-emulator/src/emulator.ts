import type { EmulatorConfig, Faults } from './config.js';
import { emitEvent } from './events.js';
import { nowSeconds } from './ids.js';
import { Store, type StripeObject } from './store.js';
import { WebhookDispatcher } from './webhooks.js';

export interface RequestInfo {
  id: string | null;
  idempotency_key: string | null;
}

/** The emulator's state and services, shared by the API, hosted pages and admin API. */
export class Emulator {
  readonly store: Store;
  readonly webhooks: WebhookDispatcher;
  faults: Faults = {};
  /** The API request being handled (handlers run synchronously), stamped on events. */
  request: RequestInfo = { id: null, idempotency_key: null };
  publicUrl = '';
  /** Matching requests seen by the `hang_every_n` fault (reset with the faults). */
  hangEveryCount = 0;
  private readonly hung = new Set<() => void>();

  constructor(readonly config: EmulatorConfig) {
    this.store = new Store(config.stateFile);
    this.webhooks = new WebhookDispatcher(this);
    this.webhooks.setCliTarget(config.webhookUrl, config.webhookSecret);
  }

  /** Waits `ms` (a `hang_*` fault) unless `releaseHung()` ends the wait first. */
  hang(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.hung.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.hung.add(done);
    });
  }

  /** Ends every hang now (reset, faults cleared, close) so no response or timer outlives a test. */
  releaseHung(): void {
    for (const done of [...this.hung]) done();
  }

  emit(type: string, object: StripeObject, previousAttributes?: StripeObject): void {
    emitEvent(this, type, object, previousAttributes);
  }

  /** "Now" for a customer: its test clock's frozen time, else the wall clock. */
  nowFor(customerId: string | null | undefined): number {
    const customer = customerId ? this.store.get(customerId) : undefined;
    const clock = customer?.test_clock ? this.store.get(customer.test_clock) : undefined;
    return clock ? clock.frozen_time : nowSeconds();
  }

  /** Runs `work` with request info attached to the events it emits (hosted pages, clocks). */
  withRequest<T>(request: RequestInfo, work: () => T): T {
    const previous = this.request;
    this.request = request;
    try {
      return work();
    } finally {
      this.request = previous;
    }
  }
}
