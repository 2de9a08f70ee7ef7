import type Stripe from 'stripe';
import { invalidRequest, parameterMissing } from '../errors.js';
import type { Emulator } from '../emulator.js';
import { updateWithEvent } from '../events.js';
import type { Params } from '../form.js';
import { newId, nowSeconds } from '../ids.js';
import { LIST_PARAMS, matchesCreated, paginate } from '../lists.js';
import { assertKnownNested, assertKnownParams, mergeMetadata, optionalBool, optionalInt, optionalString, requiredString } from '../params.js';
import type { Router } from '../router.js';
import type { StripeObject } from '../store.js';

function createProduct(emulator: Emulator, params: Params): StripeObject {
  assertKnownParams(params, ['name', 'description', 'metadata', 'active', 'id', 'default_price_data', 'images', 'unit_label', 'statement_descriptor', 'tax_code', 'url']);
  const now = nowSeconds();
  const product: StripeObject = {
    id: optionalString(params, 'id') ?? newId('prod', 14),
    object: 'product',
    active: optionalBool(params, 'active') ?? true,
    created: now,
    default_price: null,
    description: optionalString(params, 'description') ?? null,
    images: Array.isArray(params.images) ? params.images : [],
    livemode: false,
    marketing_features: [],
    metadata: mergeMetadata({}, params.metadata),
    name: requiredString(params, 'name'),
    package_dimensions: null,
    shippable: null,
    statement_descriptor: optionalString(params, 'statement_descriptor') ?? null,
    tax_code: null,
    tax_details: null,
    type: 'service',
    unit_label: optionalString(params, 'unit_label') ?? null,
    updated: now,
    url: optionalString(params, 'url') ?? null,
  } satisfies Stripe.Product;
  if (emulator.store.get(product.id)) throw invalidRequest(`Product already exists.`, { param: 'id', code: 'resource_already_exists' });
  emulator.store.insert(product);
  emulator.emit('product.created', product);
  if (typeof params.default_price_data === 'object') {
    const price = createPrice(emulator, { ...params.default_price_data, product: product.id });
    product.default_price = price.id;
  }
  return product;
}

export function createPrice(emulator: Emulator, params: Params, options: { inline?: boolean } = {}): StripeObject {
  assertKnownParams(params, [
    'currency',
    'unit_amount',
    'unit_amount_decimal',
    'product',
    'product_data',
    'recurring',
    'lookup_key',
    'transfer_lookup_key',
    'nickname',
    'metadata',
    'active',
    'tax_behavior',
    'billing_scheme',
  ]);
  const currency = requiredString(params, 'currency').toLowerCase();
  const unitAmount = optionalInt(params, 'unit_amount');
  if (unitAmount === undefined) throw parameterMissing('unit_amount');
  let productId = optionalString(params, 'product');
  if (!productId && typeof params.product_data === 'object') {
    productId = createProduct(emulator, {
      name: params.product_data.name,
      ...(params.product_data.metadata ? { metadata: params.product_data.metadata } : {}),
      ...(params.product_data.description ? { description: params.product_data.description } : {}),
    }).id;
  }
  if (!productId) throw parameterMissing('product');
  emulator.store.require('product', productId, 'product');
  let recurring: StripeObject | null = null;
  if (typeof params.recurring === 'object') {
    assertKnownNested(params, 'recurring', ['interval', 'interval_count', 'usage_type', 'trial_period_days']);
    const interval = requiredString(params.recurring, 'interval');
    if (!['day', 'week', 'month', 'year'].includes(interval)) throw invalidRequest('Invalid recurring[interval]', { param: 'recurring[interval]' });
    recurring = { interval, interval_count: optionalInt(params.recurring, 'interval_count') ?? 1, meter: null, trial_period_days: null, usage_type: 'licensed' };
  }
  const lookupKey = optionalString(params, 'lookup_key');
  if (lookupKey) {
    const holder = emulator.store.list('price', (p) => p.lookup_key === lookupKey)[0];
    if (holder && optionalBool(params, 'transfer_lookup_key')) holder.lookup_key = null;
    else if (holder) throw invalidRequest(`A price (\`${holder.id}\`) already uses that lookup key.`, { param: 'lookup_key' });
  }
  const price: StripeObject = {
    id: newId('price'),
    object: 'price',
    active: options.inline ? false : (optionalBool(params, 'active') ?? true),
    billing_scheme: 'per_unit',
    created: nowSeconds(),
    currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: lookupKey ?? null,
    metadata: mergeMetadata({}, params.metadata),
    nickname: optionalString(params, 'nickname') ?? null,
    product: productId,
    recurring,
    tax_behavior: optionalString(params, 'tax_behavior') ?? 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: recurring ? 'recurring' : 'one_time',
    unit_amount: unitAmount,
    unit_amount_decimal: String(unitAmount),
  };
  emulator.store.insert(price);
  emulator.emit('price.created', price);
  return price;
}

function updateProduct(emulator: Emulator, product: StripeObject, params: Params): StripeObject {
  assertKnownParams(params, ['name', 'description', 'metadata', 'active', 'default_price', 'images', 'unit_label', 'url']);
  updateWithEvent(emulator, 'product.updated', product, (p) => {
    if (params.name !== undefined) p.name = requiredString(params, 'name');
    if (params.description !== undefined) p.description = optionalString(params, 'description') ?? null;
    if (params.active !== undefined) p.active = optionalBool(params, 'active');
    if (params.default_price !== undefined) p.default_price = optionalString(params, 'default_price') ?? null;
    p.metadata = mergeMetadata(p.metadata, params.metadata);
    p.updated = nowSeconds();
  });
  return product;
}

function updatePrice(emulator: Emulator, price: StripeObject, params: Params): StripeObject {
  assertKnownParams(params, ['active', 'metadata', 'nickname', 'lookup_key', 'transfer_lookup_key', 'tax_behavior']);
  updateWithEvent(emulator, 'price.updated', price, (p) => {
    if (params.active !== undefined) p.active = optionalBool(params, 'active');
    if (params.nickname !== undefined) p.nickname = optionalString(params, 'nickname') ?? null;
    if (params.lookup_key !== undefined) {
      const lookupKey = optionalString(params, 'lookup_key') ?? null;
      const holder = lookupKey ? emulator.store.list('price', (other) => other.lookup_key === lookupKey && other.id !== p.id)[0] : undefined;
      if (holder && !optionalBool(params, 'transfer_lookup_key')) throw invalidRequest(`A price (\`${holder.id}\`) already uses that lookup key.`, { param: 'lookup_key' });
      if (holder) holder.lookup_key = null;
      p.lookup_key = lookupKey;
    }
    p.metadata = mergeMetadata(p.metadata, params.metadata);
  });
  return price;
}

export function registerProductPriceRoutes(router: Router): void {
  router.post('/v1/products', (em, req) => createProduct(em, req.params));
  router.get('/v1/products/:id', (em, req) => em.store.require('product', req.pathParams.id!));
  router.post('/v1/products/:id', (em, req) => updateProduct(em, em.store.require('product', req.pathParams.id!), req.params));
  router.get('/v1/products', (em, req) => {
    assertKnownParams(req.params, [...LIST_PARAMS, 'active', 'ids', 'created']);
    const active = optionalBool(req.params, 'active');
    const ids = Array.isArray(req.params.ids) ? (req.params.ids as string[]) : null;
    const items = em.store.list('product', (p) => (active === undefined || p.active === active) && (!ids || ids.includes(p.id)) && matchesCreated(p.created, req.params.created));
    return paginate(items, req.params, '/v1/products');
  });
  router.post('/v1/prices', (em, req) => createPrice(em, req.params));
  router.get('/v1/prices/:id', (em, req) => em.store.require('price', req.pathParams.id!));
  router.post('/v1/prices/:id', (em, req) => updatePrice(em, em.store.require('price', req.pathParams.id!), req.params));
  router.get('/v1/prices', (em, req) => {
    assertKnownParams(req.params, [...LIST_PARAMS, 'active', 'product', 'lookup_keys', 'type', 'currency', 'recurring', 'created']);
    const active = optionalBool(req.params, 'active');
    const product = optionalString(req.params, 'product');
    const type = optionalString(req.params, 'type');
    const currency = optionalString(req.params, 'currency');
    const lookupKeys = Array.isArray(req.params.lookup_keys) ? (req.params.lookup_keys as string[]) : null;
    const interval = typeof req.params.recurring === 'object' ? req.params.recurring.interval : undefined;
    const items = em.store.list(
      'price',
      (p) =>
        (active === undefined || p.active === active) &&
        (!product || p.product === product) &&
        (!type || p.type === type) &&
        (!currency || p.currency === currency) &&
        (!lookupKeys || lookupKeys.includes(p.lookup_key)) &&
        (!interval || p.recurring?.interval === interval) &&
        matchesCreated(p.created, req.params.created),
    );
    return paginate(items, req.params, '/v1/prices');
  });
}
