import { invalidRequest } from './errors.js';
import type { Params } from './form.js';
import { optionalInt } from './params.js';
import { render, type StripeObject } from './store.js';

export const LIST_PARAMS = ['limit', 'starting_after', 'ending_before'] as const;

/** Stripe cursor pagination over a newest-first array. */
export function paginate(items: StripeObject[], params: Params, url: string): StripeObject {
  const limit = optionalInt(params, 'limit') ?? 10;
  if (limit < 1 || limit > 100) {
    throw invalidRequest('This value must be greater than or equal to 1 and less than or equal to 100.', { param: 'limit' });
  }
  let window = items;
  const startingAfter = typeof params.starting_after === 'string' ? params.starting_after : '';
  const endingBefore = typeof params.ending_before === 'string' ? params.ending_before : '';
  if (startingAfter) {
    const index = items.findIndex((o) => o.id === startingAfter);
    if (index < 0) throw invalidRequest(`No such object: '${startingAfter}'`, { param: 'starting_after', code: 'resource_missing', status: 404 });
    window = items.slice(index + 1);
    return { object: 'list', data: render(window.slice(0, limit)), has_more: window.length > limit, url };
  }
  if (endingBefore) {
    const index = items.findIndex((o) => o.id === endingBefore);
    if (index < 0) throw invalidRequest(`No such object: '${endingBefore}'`, { param: 'ending_before', code: 'resource_missing', status: 404 });
    window = items.slice(0, index);
    const page = window.slice(Math.max(0, window.length - limit));
    return { object: 'list', data: render(page), has_more: window.length > limit, url };
  }
  return { object: 'list', data: render(window.slice(0, limit)), has_more: window.length > limit, url };
}

/** `created[gte]=…` style filters (also a bare `created=<ts>`). */
export function matchesCreated(created: number, filter: unknown): boolean {
  if (filter === undefined || filter === '') return true;
  if (typeof filter === 'string') return created === Number(filter);
  const range = filter as Record<string, string>;
  if (range.gte !== undefined && created < Number(range.gte)) return false;
  if (range.gt !== undefined && created <= Number(range.gt)) return false;
  if (range.lte !== undefined && created > Number(range.lte)) return false;
  if (range.lt !== undefined && created >= Number(range.lt)) return false;
  return true;
}
