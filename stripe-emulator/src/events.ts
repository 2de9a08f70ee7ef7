import { API_VERSION } from './config.js';
import { newId, nowSeconds } from './ids.js';
import { render, type StripeObject } from './store.js';
import type { Emulator } from './emulator.js';

/** Records an event with a deep snapshot of the object and queues its webhook deliveries. */
export function emitEvent(emulator: Emulator, type: string, object: StripeObject, previousAttributes?: StripeObject): StripeObject {
  const endpoints = emulator.webhooks.endpointsFor(type);
  const data: StripeObject = { object: render(object) };
  if (previousAttributes) data.previous_attributes = render(previousAttributes);
  const event = emulator.store.insert({
    id: newId('evt'),
    object: 'event',
    api_version: API_VERSION,
    created: nowSeconds(),
    data,
    livemode: false,
    pending_webhooks: endpoints.length,
    request: { id: emulator.request.id, idempotency_key: emulator.request.idempotency_key },
    type,
  });
  emulator.webhooks.enqueue(event, endpoints);
  return event;
}

function isPlainObject(value: unknown): value is StripeObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The values that changed, nested objects narrowed to their changed keys: Stripe's `previous_attributes`. */
function diffAttributes(before: StripeObject, after: StripeObject): StripeObject | undefined {
  const previous: StripeObject = {};
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const key of keys) {
    if (key.startsWith('_')) continue;
    const [was, now] = [before[key], after[key]];
    if (JSON.stringify(was) === JSON.stringify(now)) continue;
    if (isPlainObject(was) && isPlainObject(now) && was.object === undefined) {
      previous[key] = diffAttributes(was, now) ?? {};
    } else {
      previous[key] = was ?? null;
    }
  }
  return Object.keys(previous).length > 0 ? previous : undefined;
}

/** Mutates `object` via `change` and emits `<type>` with previous_attributes if anything changed. */
export function updateWithEvent(emulator: Emulator, type: string, object: StripeObject, change: (object: StripeObject) => void): void {
  const before = structuredClone(render(object));
  change(object);
  emulator.store.changed();
  const previous = diffAttributes(before, object);
  if (previous) emitEvent(emulator, type, object, previous);
}
