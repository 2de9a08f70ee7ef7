import type { Emulator } from './emulator.js';
import { render, type StripeObject } from './store.js';

type ComputedField = (emulator: Emulator, holder: StripeObject) => unknown;

/** Fields that only exist when expanded (e.g. a Checkout Session's `line_items`). */
const COMPUTED: Record<string, ComputedField> = {};

export function registerComputedField(objectType: string, field: string, compute: ComputedField): void {
  COMPUTED[`${objectType}.${field}`] = compute;
}

function expandPath(emulator: Emulator, holder: unknown, segments: string[]): void {
  if (Array.isArray(holder)) {
    for (const item of holder) expandPath(emulator, item, segments);
    return;
  }
  if (typeof holder !== 'object' || holder === null || segments.length === 0) return;
  const record = holder as StripeObject;
  const [head, ...rest] = segments as [string, ...string[]];
  let value = record[head];
  const computed = COMPUTED[`${record.object}.${head}`];
  if (value === undefined && computed) value = record[head] = computed(emulator, record);
  if (typeof value === 'string') {
    const found = emulator.store.get(value);
    if (found) value = record[head] = render(found);
  }
  if (rest.length > 0) expandPath(emulator, value, rest);
}

/** Applies `expand[]` paths (`payment_intent`, `data.customer`, `latest_invoice.payments`) to a rendered object. */
export function applyExpand(emulator: Emulator, value: StripeObject, paths: string[]): StripeObject {
  for (const path of paths) expandPath(emulator, value, path.split('.'));
  return value;
}
