import { invalidRequest } from '../errors.js';
import { newId, nowSeconds, randomToken } from '../ids.js';
import { LIST_PARAMS, matchesCreated, paginate } from '../lists.js';
import { assertKnownParams, mergeMetadata, optionalString, requiredString } from '../params.js';
import type { Router } from '../router.js';
import { render } from '../store.js';

function typeMatches(pattern: string, type: string): boolean {
  return pattern.endsWith('.*') ? type.startsWith(pattern.slice(0, -1)) : pattern === type;
}

function enabledEvents(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) throw invalidRequest('Missing required param: enabled_events.', { param: 'enabled_events', code: 'parameter_missing' });
  return value.map(String);
}

export function registerEventRoutes(router: Router): void {
  router.get('/v1/events/:id', (em, req) => em.store.require('event', req.pathParams.id!));
  router.get('/v1/events', (em, req) => {
    assertKnownParams(req.params, [...LIST_PARAMS, 'type', 'types', 'created', 'delivery_success']);
    const type = optionalString(req.params, 'type');
    const types = Array.isArray(req.params.types) ? (req.params.types as string[]) : null;
    const items = em.store.list(
      'event',
      (e) => (!type || typeMatches(type, e.type)) && (!types || types.some((t) => typeMatches(t, e.type))) && matchesCreated(e.created, req.params.created),
    );
    return paginate(items, req.params, '/v1/events');
  });

  router.post('/v1/webhook_endpoints', (em, req) => {
    assertKnownParams(req.params, ['url', 'enabled_events', 'description', 'metadata', 'api_version', 'connect']);
    const endpoint = em.store.insert({
      id: newId('we'),
      object: 'webhook_endpoint',
      api_version: optionalString(req.params, 'api_version') ?? null,
      application: null,
      created: nowSeconds(),
      description: optionalString(req.params, 'description') ?? null,
      enabled_events: enabledEvents(req.params.enabled_events),
      livemode: false,
      metadata: mergeMetadata({}, req.params.metadata),
      status: 'enabled',
      url: requiredString(req.params, 'url'),
      _secret: `whsec_${randomToken(32)}`,
    });
    return { ...render(endpoint), secret: endpoint._secret };
  });
  router.get('/v1/webhook_endpoints/:id', (em, req) => em.store.require('webhook_endpoint', req.pathParams.id!));
  router.post('/v1/webhook_endpoints/:id', (em, req) => {
    assertKnownParams(req.params, ['url', 'enabled_events', 'description', 'metadata', 'disabled']);
    const endpoint = em.store.require('webhook_endpoint', req.pathParams.id!);
    if (req.params.url !== undefined) endpoint.url = requiredString(req.params, 'url');
    if (req.params.enabled_events !== undefined) endpoint.enabled_events = enabledEvents(req.params.enabled_events);
    if (req.params.description !== undefined) endpoint.description = optionalString(req.params, 'description') ?? null;
    if (req.params.disabled !== undefined) endpoint.status = req.params.disabled === 'true' ? 'disabled' : 'enabled';
    endpoint.metadata = mergeMetadata(endpoint.metadata, req.params.metadata);
    em.store.changed();
    return endpoint;
  });
  router.delete('/v1/webhook_endpoints/:id', (em, req) => {
    const endpoint = em.store.require('webhook_endpoint', req.pathParams.id!);
    em.store.remove(endpoint.id);
    return { id: endpoint.id, object: 'webhook_endpoint', deleted: true };
  });
  router.get('/v1/webhook_endpoints', (em, req) => {
    assertKnownParams(req.params, [...LIST_PARAMS]);
    return paginate(em.store.list('webhook_endpoint'), req.params, '/v1/webhook_endpoints');
  });
}
