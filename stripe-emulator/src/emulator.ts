import { type EmulatorConfig, type Faults } from './config.js';
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

  constructor(readonly config: EmulatorConfig) {
    this.store = new Store(config.stateFile);
    this.webhooks = new WebhookDispatcher(this);
    this.webhooks.setCliTarget(config.webhookUrl, config.webhookSecret);
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
