import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { resourceMissing } from './errors.js';

/** A stored Stripe object. Keys starting with `_` are internal and never rendered. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- one store for every Stripe object kind; resources give them their shapes
export type StripeObject = Record<string, any>;

interface StateSnapshot {
  version: 1;
  seq: number;
  objects: Record<string, StripeObject>;
}

const KIND_LABELS: Record<string, string> = {
  customer: 'customer',
  payment_method: 'PaymentMethod',
  payment_intent: 'payment_intent',
  setup_intent: 'setup_intent',
  charge: 'charge',
  refund: 'refund',
  dispute: 'dispute',
  'checkout.session': 'checkout.session',
  'billing_portal.session': 'billing_portal.session',
  product: 'product',
  price: 'price',
  subscription: 'subscription',
  subscription_item: 'subscription_item',
  invoice: 'invoice',
  'test_helpers.test_clock': 'test_clock',
  event: 'event',
  webhook_endpoint: 'webhook_endpoint',
};

export class Store {
  private seq = 0;
  private objects: Record<string, StripeObject> = {};
  private saveTimer: NodeJS.Timeout | null = null;

  constructor(private readonly stateFile: string | null) {
    if (stateFile) this.load(stateFile);
  }

  private load(file: string): void {
    try {
      const snapshot = JSON.parse(readFileSync(file, 'utf8')) as StateSnapshot;
      this.seq = snapshot.seq;
      this.objects = snapshot.objects;
    } catch {
      // no state yet (or unreadable): start empty
    }
  }

  insert<T extends StripeObject>(object: T): T {
    (object as StripeObject)._seq = ++this.seq;
    this.objects[object.id] = object;
    this.changed();
    return object;
  }

  get(id: string): StripeObject | undefined {
    return Object.prototype.hasOwnProperty.call(this.objects, id) ? this.objects[id] : undefined;
  }

  /** Lookup by id and `object` type; 404 resource_missing otherwise. */
  require(type: string, id: string, param = 'id'): StripeObject {
    const found = this.get(id);
    if (!found || found.object !== type) throw resourceMissing(KIND_LABELS[type] ?? type, id, param);
    return found;
  }

  remove(id: string): void {
    delete this.objects[id];
    this.changed();
  }

  /** Objects of a type, newest first (Stripe list order). */
  list(type: string, filter: (object: StripeObject) => boolean = () => true): StripeObject[] {
    return Object.values(this.objects)
      .filter((o) => o.object === type && filter(o))
      .sort((a, b) => b._seq - a._seq);
  }

  reset(): void {
    this.seq = 0;
    this.objects = {};
    this.changed();
  }

  changed(): void {
    if (!this.stateFile || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      this.flush();
    }, 150);
    this.saveTimer.unref();
  }

  /** Atomic write: tmp file then rename. */
  flush(): void {
    if (!this.stateFile) return;
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = null;
    }
    const snapshot: StateSnapshot = { version: 1, seq: this.seq, objects: this.objects };
    mkdirSync(dirname(this.stateFile), { recursive: true });
    const tmp = `${this.stateFile}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(snapshot));
    renameSync(tmp, this.stateFile);
  }
}

/** Deep copy without internal `_` keys: what the API returns and what events snapshot. */
export function render<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => render(v)) as T;
  if (typeof value !== 'object' || value === null) return value;
  const out: StripeObject = {};
  for (const [key, v] of Object.entries(value as StripeObject)) {
    if (!key.startsWith('_')) out[key] = render(v);
  }
  return out as T;
}
