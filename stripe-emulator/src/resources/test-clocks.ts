import { invalidRequest } from '../errors.js';
import type { Emulator } from '../emulator.js';
import { newId, nowSeconds } from '../ids.js';
import { LIST_PARAMS, paginate } from '../lists.js';
import { assertKnownParams, optionalString, requiredInt } from '../params.js';
import type { Router } from '../router.js';
import type { StripeObject } from '../store.js';
import { renewSubscription } from './subscriptions.js';

function nextBoundary(emulator: Emulator, clockId: string): { subscription: StripeObject; at: number } | null {
  const customers = new Set(emulator.store.list('customer', (c) => c.test_clock === clockId).map((c) => c.id));
  let next: { subscription: StripeObject; at: number } | null = null;
  for (const subscription of emulator.store.list('subscription', (s) => customers.has(s.customer) && ['active', 'past_due', 'trialing'].includes(s.status))) {
    const at = subscription.items.data[0].current_period_end as number;
    if (!next || at < next.at) next = { subscription, at };
  }
  return next;
}

/** Moves the clock forward, renewing every subscription period boundary crossed, in time order. */
export function advanceTestClock(emulator: Emulator, clock: StripeObject, frozenTime: number): void {
  for (let guard = 0; guard < 10_000; guard++) {
    const next = nextBoundary(emulator, clock.id);
    if (!next || next.at > frozenTime) break;
    clock.frozen_time = next.at;
    renewSubscription(emulator, next.subscription);
  }
  clock.frozen_time = frozenTime;
  clock.status = 'ready';
  clock.status_details = {};
  emulator.store.changed();
  emulator.emit('test_helpers.test_clock.ready', clock);
}

/** Validates and marks the clock `advancing`; the work itself runs right after (see api/admin). */
export function beginAdvance(emulator: Emulator, clock: StripeObject, frozenTime: number): void {
  if (clock.status !== 'ready') throw invalidRequest(`The test clock ${clock.id} is currently ${clock.status} and cannot be advanced.`, { code: 'test_clock_not_ready' });
  if (frozenTime <= clock.frozen_time) throw invalidRequest('Cannot advance a test clock to a time before its current frozen time.', { param: 'frozen_time' });
  clock.status = 'advancing';
  clock.status_details = { advancing: { target_frozen_time: frozenTime } };
  emulator.store.changed();
  emulator.emit('test_helpers.test_clock.advancing', clock);
}

export function registerTestClockRoutes(router: Router): void {
  router.post('/v1/test_helpers/test_clocks', (em, req) => {
    assertKnownParams(req.params, ['frozen_time', 'name']);
    const frozenTime = requiredInt(req.params, 'frozen_time');
    const clock = em.store.insert({
      id: newId('clock'),
      object: 'test_helpers.test_clock',
      created: nowSeconds(),
      deletes_after: nowSeconds() + 30 * 86_400,
      frozen_time: frozenTime,
      livemode: false,
      name: optionalString(req.params, 'name') ?? null,
      status: 'ready',
      status_details: {},
    });
    em.emit('test_helpers.test_clock.created', clock);
    return clock;
  });
  router.get('/v1/test_helpers/test_clocks/:id', (em, req) => em.store.require('test_helpers.test_clock', req.pathParams.id!));
  router.get('/v1/test_helpers/test_clocks', (em, req) => {
    assertKnownParams(req.params, [...LIST_PARAMS]);
    return paginate(em.store.list('test_helpers.test_clock'), req.params, '/v1/test_helpers/test_clocks');
  });
  router.delete('/v1/test_helpers/test_clocks/:id', (em, req) => {
    const clock = em.store.require('test_helpers.test_clock', req.pathParams.id!);
    em.store.remove(clock.id);
    em.emit('test_helpers.test_clock.deleted', clock);
    return { id: clock.id, object: 'test_helpers.test_clock', deleted: true };
  });
  router.post('/v1/test_helpers/test_clocks/:id/advance', (em, req) => {
    assertKnownParams(req.params, ['frozen_time']);
    const clock = em.store.require('test_helpers.test_clock', req.pathParams.id!);
    const frozenTime = requiredInt(req.params, 'frozen_time');
    beginAdvance(em, clock, frozenTime);
    const response = structuredClone(clock);
    // like Stripe, the clock answers `advancing` and becomes `ready` shortly after
    const request = { ...em.request };
    setTimeout(() => em.withRequest(request, () => advanceTestClock(em, clock, frozenTime)), 50);
    return response;
  });
}
