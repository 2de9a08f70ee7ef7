import { invalidRequest } from '../errors.js';
import type { Emulator } from '../emulator.js';
import { newId, nowSeconds, randomToken } from '../ids.js';
import { LIST_PARAMS, paginate } from '../lists.js';
import { assertKnownNested, assertKnownParams, optionalString, requiredString } from '../params.js';
import type { Router } from '../router.js';
import type { StripeObject } from '../store.js';
import { requireCustomer } from './customers.js';

/** The account's default portal configuration, created on first use. */
function defaultPortalConfiguration(emulator: Emulator): StripeObject {
  const existing = emulator.store.list('billing_portal.configuration', (c) => c.is_default)[0];
  if (existing) return existing;
  const now = nowSeconds();
  return emulator.store.insert({
    id: newId('bpc'),
    object: 'billing_portal.configuration',
    active: true,
    application: null,
    business_profile: { headline: null, privacy_policy_url: null, terms_of_service_url: null },
    created: now,
    default_return_url: null,
    features: {
      customer_update: { allowed_updates: ['email'], enabled: true },
      invoice_history: { enabled: true },
      payment_method_update: { enabled: true, payment_method_configuration: null },
      subscription_cancel: { cancellation_reason: { enabled: false, options: [] }, enabled: true, mode: 'at_period_end', proration_behavior: 'none' },
      subscription_update: {
        default_allowed_updates: ['price'],
        enabled: true,
        products: [],
        proration_behavior: 'create_prorations',
        schedule_at_period_end: { conditions: [] },
        trial_update_behavior: 'end_trial',
      },
    },
    is_default: true,
    livemode: false,
    login_page: { enabled: false, url: null },
    metadata: {},
    name: null,
    updated: now,
  });
}

function buildFlow(params: StripeObject | undefined): StripeObject | null {
  if (!params) return null;
  const type = requiredString(params, 'type');
  if (!['payment_method_update', 'subscription_cancel', 'subscription_update'].includes(type)) {
    throw invalidRequest(`Invalid flow_data[type]: ${type}`, { param: 'flow_data[type]' });
  }
  const after = params.after_completion ?? {};
  const afterType = after.type ?? 'portal_homepage';
  return {
    after_completion: {
      hosted_confirmation: afterType === 'hosted_confirmation' ? { custom_message: after.hosted_confirmation?.custom_message ?? null } : null,
      redirect: afterType === 'redirect' ? { return_url: after.redirect?.return_url ?? null } : null,
      type: afterType,
    },
    subscription_cancel: type === 'subscription_cancel' ? { retention: null, subscription: params.subscription_cancel?.subscription ?? null } : null,
    subscription_update: type === 'subscription_update' ? { subscription: params.subscription_update?.subscription ?? null } : null,
    subscription_update_confirm: null,
    type,
  };
}

export function registerBillingPortalRoutes(router: Router): void {
  router.post('/v1/billing_portal/sessions', (em, req) => {
    assertKnownParams(req.params, ['customer', 'return_url', 'flow_data', 'configuration', 'locale', 'on_behalf_of']);
    assertKnownNested(req.params, 'flow_data', ['type', 'after_completion', 'subscription_cancel', 'subscription_update', 'subscription_update_confirm']);
    const customer = requireCustomer(em, requiredString(req.params, 'customer'));
    const configuration = optionalString(req.params, 'configuration') ?? defaultPortalConfiguration(em).id;
    em.store.require('billing_portal.configuration', configuration, 'configuration');
    const id = `bps_${randomToken(24)}`;
    return em.store.insert({
      id,
      object: 'billing_portal.session',
      configuration,
      created: nowSeconds(),
      customer: customer.id,
      customer_account: null,
      flow: buildFlow(typeof req.params.flow_data === 'object' ? req.params.flow_data : undefined),
      livemode: false,
      locale: optionalString(req.params, 'locale') ?? null,
      on_behalf_of: null,
      return_url: optionalString(req.params, 'return_url') ?? null,
      url: `${em.publicUrl}/p/session/${id}`,
    });
  });
  router.get('/v1/billing_portal/configurations', (em, req) => {
    assertKnownParams(req.params, [...LIST_PARAMS, 'active', 'is_default']);
    defaultPortalConfiguration(em);
    return paginate(em.store.list('billing_portal.configuration'), req.params, '/v1/billing_portal/configurations');
  });
  router.get('/v1/billing_portal/configurations/:id', (em, req) => em.store.require('billing_portal.configuration', req.pathParams.id!, 'configuration'));
}
