import { invalidRequest, parameterMissing } from '../errors.js';
import type { Emulator } from '../emulator.js';
import { updateWithEvent } from '../events.js';
import type { Params } from '../form.js';
import { newId } from '../ids.js';
import { periodBoundary, type Recurring } from '../billing-periods.js';
import { LIST_PARAMS, matchesCreated, paginate } from '../lists.js';
import { assertKnownParams, mergeMetadata, optionalBool, optionalInt, optionalString, requiredString } from '../params.js';
import type { Router } from '../router.js';
import { render, type StripeObject } from '../store.js';
import { requireCustomer } from './customers.js';
import { createSubscriptionInvoice } from './invoices.js';
import { resolvePaymentMethod } from './payment-methods.js';

function planOf(price: StripeObject): StripeObject {
  return {
    id: price.id,
    object: 'plan',
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: price.unit_amount_decimal,
    billing_scheme: 'per_unit',
    created: price.created,
    currency: price.currency,
    interval: price.recurring.interval,
    interval_count: price.recurring.interval_count,
    livemode: false,
    metadata: price.metadata,
    meter: null,
    nickname: price.nickname,
    product: price.product,
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: null,
    usage_type: 'licensed',
  };
}

export function requireRecurringPrice(emulator: Emulator, id: string, param: string): StripeObject {
  const price = emulator.store.require('price', id, param);
  if (!price.recurring) throw invalidRequest(`The price specified is set to \`type=one_time\` but this field only accepts prices with \`type=recurring\`.`, { param });
  return price;
}

function buildItem(subscriptionId: string, price: StripeObject, quantity: number, start: number, end: number): StripeObject {
  return {
    id: newId('si', 14),
    object: 'subscription_item',
    billing_thresholds: null,
    created: start,
    current_period_end: end,
    current_period_start: start,
    discounts: [],
    metadata: {},
    plan: planOf(price),
    price: render(price),
    quantity,
    subscription: subscriptionId,
    tax_rates: [],
  };
}

function invoiceLines(subscription: StripeObject, start: number, end: number) {
  return subscription.items.data.map((item: StripeObject) => ({
    price: item.price,
    quantity: item.quantity,
    amount: item.price.unit_amount * item.quantity,
    periodStart: start,
    periodEnd: end,
    subscriptionItem: item.id,
  }));
}

export interface SubscriptionInput {
  customer: string;
  items: Array<{ price: string; quantity: number }>;
  defaultPaymentMethod?: string | null;
  metadata?: unknown;
  cancelAtPeriodEnd?: boolean;
  /** Hosted Checkout: the customer is present and just authenticated the card. */
  customerPresent?: boolean;
}

/** Creates the subscription and its first invoice (billing_reason subscription_create), charged at once. */
export function createSubscription(emulator: Emulator, input: SubscriptionInput): StripeObject {
  const customer = requireCustomer(emulator, input.customer);
  if (input.items.length === 0) throw parameterMissing('items');
  const prices = input.items.map((item, i) => requireRecurringPrice(emulator, item.price, `items[${i}][price]`));
  const now = emulator.nowFor(customer.id);
  const id = newId('sub');
  const end = periodBoundary(now, prices[0]!.recurring as Recurring, 1);
  const subscription: StripeObject = {
    id,
    object: 'subscription',
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: now,
    billing_cycle_anchor_config: null,
    billing_mode: { flexible: null, type: 'classic', updated_at: now },
    billing_thresholds: null,
    cancel_at: null,
    cancel_at_period_end: false,
    canceled_at: null,
    cancellation_details: { comment: null, feedback: null, reason: null },
    collection_method: 'charge_automatically',
    created: now,
    currency: prices[0]!.currency,
    customer: customer.id,
    customer_account: null,
    days_until_due: null,
    default_payment_method: input.defaultPaymentMethod ?? null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    ended_at: null,
    invoice_settings: { account_tax_ids: null, issuer: { type: 'self' } },
    items: {
      object: 'list',
      data: prices.map((price, i) => buildItem(id, price, input.items[i]!.quantity, now, end)),
      has_more: false,
      total_count: prices.length,
      url: `/v1/subscription_items?subscription=${id}`,
    },
    latest_invoice: null,
    livemode: false,
    metadata: mergeMetadata({}, input.metadata),
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: { payment_method_options: null, payment_method_types: null, save_default_payment_method: 'off' },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: now,
    status: 'incomplete',
    test_clock: customer.test_clock,
    transfer_data: null,
    trial_end: null,
    trial_settings: { end_behavior: { missing_payment_method: 'create_invoice' } },
    trial_start: null,
  };
  emulator.store.insert(subscription);
  emulator.emit('customer.subscription.created', subscription);
  const invoice = createSubscriptionInvoice(emulator, subscription, 'subscription_create', invoiceLines(subscription, now, end), {
    created: now,
    periodStart: now,
    periodEnd: now,
    offSession: !input.customerPresent,
    preAuthenticated: input.customerPresent,
  });
  if (invoice.status === 'paid') {
    updateWithEvent(emulator, 'customer.subscription.updated', subscription, (s) => {
      s.status = 'active';
      if (input.cancelAtPeriodEnd) Object.assign(s, { cancel_at_period_end: true, cancel_at: end });
    });
  }
  return subscription;
}

function cancelNow(emulator: Emulator, subscription: StripeObject, at: number, reason: string): StripeObject {
  Object.assign(subscription, { status: 'canceled', canceled_at: subscription.canceled_at ?? at, ended_at: at });
  subscription.cancellation_details = { ...subscription.cancellation_details, reason };
  emulator.store.changed();
  emulator.emit('customer.subscription.deleted', subscription);
  return subscription;
}

/** Crosses one period boundary: cancels at period end, or rolls the period and bills it. */
export function renewSubscription(emulator: Emulator, subscription: StripeObject): void {
  const first = subscription.items.data[0];
  const start = first.current_period_end as number;
  if (subscription.cancel_at_period_end || (subscription.cancel_at && subscription.cancel_at <= start)) {
    cancelNow(emulator, subscription, start, 'cancellation_requested');
    return;
  }
  const previousStart = first.current_period_start as number;
  const end = periodBoundary(subscription.billing_cycle_anchor, first.price.recurring as Recurring, countPeriods(subscription, start) + 1);
  updateWithEvent(emulator, 'customer.subscription.updated', subscription, (s) => {
    for (const item of s.items.data) Object.assign(item, { current_period_start: start, current_period_end: end });
  });
  const invoice = createSubscriptionInvoice(emulator, subscription, 'subscription_cycle', invoiceLines(subscription, start, end), {
    created: start,
    periodStart: previousStart,
    periodEnd: start,
    offSession: true,
  });
  const status = invoice.status === 'paid' ? 'active' : 'past_due';
  if (subscription.status !== status) updateWithEvent(emulator, 'customer.subscription.updated', subscription, (s) => (s.status = status));
}

/** Index n of the period boundary at `boundary` (boundary(n) >= boundary). */
function countPeriods(subscription: StripeObject, boundary: number): number {
  const recurring = subscription.items.data[0].price.recurring as Recurring;
  let n = 1;
  while (periodBoundary(subscription.billing_cycle_anchor, recurring, n) < boundary && n < 10_000) n++;
  return n;
}

function parseItems(params: Params): Array<{ id?: string; price?: string; quantity?: number }> {
  if (params.items === undefined) return [];
  if (!Array.isArray(params.items)) throw invalidRequest('Invalid array', { param: 'items' });
  return params.items.map((item: Params, i: number) => ({
    id: optionalString(item, 'id'),
    price: optionalString(item, 'price'),
    quantity: optionalInt(item, 'quantity', `items[${i}][quantity]`),
  }));
}

function resolveDefaultPaymentMethod(emulator: Emulator, customerId: string, id: string | undefined): string | null | undefined {
  if (id === undefined) return undefined;
  const paymentMethod = resolvePaymentMethod(emulator, id, 'default_payment_method');
  if (paymentMethod.customer !== customerId) {
    throw invalidRequest(`The customer does not have a payment method with the ID ${paymentMethod.id}. The payment method must be attached to the customer.`, {
      param: 'default_payment_method',
      code: 'resource_missing',
    });
  }
  return paymentMethod.id;
}

const CREATE_PARAMS = [
  'customer',
  'items',
  'default_payment_method',
  'metadata',
  'payment_behavior',
  'proration_behavior',
  'off_session',
  'cancel_at_period_end',
  'collection_method',
  'description',
  'payment_settings',
];

function updateSubscription(emulator: Emulator, subscription: StripeObject, params: Params): StripeObject {
  assertKnownParams(params, [
    'items',
    'cancel_at_period_end',
    'metadata',
    'default_payment_method',
    'proration_behavior',
    'payment_behavior',
    'description',
    'cancel_at',
    'off_session',
  ]);
  if (subscription.status === 'canceled')
    throw invalidRequest('A canceled subscription can only update its cancellation_details and metadata.', { code: 'invalid_canceled_subscription_fields' });
  const prorationBehavior = optionalString(params, 'proration_behavior') ?? 'create_prorations';
  const now = emulator.nowFor(subscription.customer);
  let priceChange: { item: StripeObject; oldAmount: number } | null = null;
  updateWithEvent(emulator, 'customer.subscription.updated', subscription, (s) => {
    parseItems(params).forEach((change, i) => {
      const item = change.id ? s.items.data.find((it: StripeObject) => it.id === change.id) : s.items.data[i];
      if (!item) throw invalidRequest(`No such subscription item: '${change.id}'`, { param: `items[${i}][id]`, code: 'resource_missing' });
      const oldAmount = item.price.unit_amount * item.quantity;
      if (change.price) {
        const price = requireRecurringPrice(emulator, change.price, `items[${i}][price]`);
        item.price = render(price);
        item.plan = planOf(price);
      }
      if (change.quantity !== undefined) item.quantity = change.quantity;
      if (change.price || change.quantity !== undefined) priceChange = { item, oldAmount };
    });
    const cancelAtPeriodEnd = optionalBool(params, 'cancel_at_period_end');
    if (cancelAtPeriodEnd !== undefined) {
      s.cancel_at_period_end = cancelAtPeriodEnd;
      s.cancel_at = cancelAtPeriodEnd ? s.items.data[0].current_period_end : null;
      s.canceled_at = cancelAtPeriodEnd ? now : null;
      s.cancellation_details = { comment: null, feedback: null, reason: cancelAtPeriodEnd ? 'cancellation_requested' : null };
    }
    const defaultPaymentMethod = params.default_payment_method === '' ? null : resolveDefaultPaymentMethod(emulator, s.customer, optionalString(params, 'default_payment_method'));
    if (defaultPaymentMethod !== undefined) s.default_payment_method = defaultPaymentMethod;
    if (params.description !== undefined) s.description = optionalString(params, 'description') ?? null;
    s.metadata = mergeMetadata(s.metadata, params.metadata);
  });
  const change = priceChange as { item: StripeObject; oldAmount: number } | null;
  if (change && prorationBehavior === 'always_invoice') {
    const { item, oldAmount } = change;
    const remaining = (item.current_period_end - now) / (item.current_period_end - item.current_period_start);
    const amount = Math.max(0, Math.round((item.price.unit_amount * item.quantity - oldAmount) * remaining));
    createSubscriptionInvoice(
      emulator,
      subscription,
      'subscription_update',
      [
        {
          price: item.price,
          quantity: item.quantity,
          amount,
          periodStart: now,
          periodEnd: item.current_period_end,
          subscriptionItem: item.id,
          proration: true,
          description: `Remaining time on ${item.quantity} × plan after ${new Date(now * 1000).toISOString().slice(0, 10)}`,
        },
      ],
      { created: now, periodStart: item.current_period_start, periodEnd: now, offSession: true },
    );
  }
  return subscription;
}

export function registerSubscriptionRoutes(router: Router): void {
  router.post('/v1/subscriptions', (em, req) => {
    assertKnownParams(req.params, CREATE_PARAMS);
    const customer = requiredString(req.params, 'customer');
    requireCustomer(em, customer);
    const items = parseItems(req.params).map((item, i) => {
      if (!item.price) throw parameterMissing(`items[${i}][price]`);
      return { price: item.price, quantity: item.quantity ?? 1 };
    });
    if (items.length === 0) throw parameterMissing('items');
    const defaultPaymentMethod = resolveDefaultPaymentMethod(em, customer, optionalString(req.params, 'default_payment_method'));
    const hasPaymentMethod = defaultPaymentMethod ?? em.store.get(customer)!.invoice_settings.default_payment_method;
    const behavior = optionalString(req.params, 'payment_behavior') ?? 'allow_incomplete';
    if (!hasPaymentMethod && behavior !== 'default_incomplete') {
      throw invalidRequest(
        'This customer has no attached payment source or default payment method. Please consider adding a default payment method. For more information, visit https://stripe.com/docs/billing/subscriptions/payment-methods-setting#payment-method-priority.',
        { code: 'resource_missing' },
      );
    }
    return createSubscription(em, { customer, items, defaultPaymentMethod, metadata: req.params.metadata, cancelAtPeriodEnd: optionalBool(req.params, 'cancel_at_period_end') });
  });
  router.get('/v1/subscriptions/:id', (em, req) => em.store.require('subscription', req.pathParams.id!));
  router.post('/v1/subscriptions/:id', (em, req) => updateSubscription(em, em.store.require('subscription', req.pathParams.id!), req.params));
  router.delete('/v1/subscriptions/:id', (em, req) => {
    assertKnownParams(req.params, ['invoice_now', 'prorate', 'cancellation_details']);
    const subscription = em.store.require('subscription', req.pathParams.id!);
    if (subscription.status === 'canceled')
      throw invalidRequest(`A canceled subscription can only update its cancellation_details and metadata.`, { code: 'invalid_canceled_subscription_fields' });
    return cancelNow(em, subscription, em.nowFor(subscription.customer), 'cancellation_requested');
  });
  router.get('/v1/subscriptions', (em, req) => {
    assertKnownParams(req.params, [...LIST_PARAMS, 'customer', 'status', 'price', 'created', 'test_clock']);
    const customer = optionalString(req.params, 'customer');
    const status = optionalString(req.params, 'status');
    const price = optionalString(req.params, 'price');
    const items = em.store.list(
      'subscription',
      (s) =>
        (!customer || s.customer === customer) &&
        (status === 'all' || (status ? s.status === status : s.status !== 'canceled')) &&
        (!price || s.items.data.some((it: StripeObject) => it.price.id === price)) &&
        matchesCreated(s.created, req.params.created),
    );
    return paginate(items, req.params, '/v1/subscriptions');
  });
}
