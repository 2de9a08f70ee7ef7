import type { Decline } from '../cards.js';
import { scheduleTestDispute } from './disputes.js';
import type { Emulator } from '../emulator.js';
import { newId, randomToken } from '../ids.js';
import { LIST_PARAMS, matchesCreated, paginate } from '../lists.js';
import { assertKnownParams, optionalString } from '../params.js';
import type { Router } from '../router.js';
import type { StripeObject } from '../store.js';

/** One attempt to move money for a PaymentIntent: `succeeded` or `failed`. */
export function createCharge(emulator: Emulator, paymentIntent: StripeObject, paymentMethod: StripeObject, decline: Decline | null): StripeObject {
  const card = paymentMethod.card;
  const id = newId('ch');
  const succeeded = decline === null;
  const charge: StripeObject = {
    id,
    object: 'charge',
    amount: paymentIntent.amount,
    amount_captured: succeeded ? paymentIntent.amount : 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: succeeded ? newId('txn') : null,
    billing_details: paymentMethod.billing_details,
    calculated_statement_descriptor: 'STRIPE EMULATOR',
    captured: succeeded,
    created: emulator.nowFor(paymentIntent.customer),
    currency: paymentIntent.currency,
    customer: paymentIntent.customer,
    description: paymentIntent.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: decline?.code ?? null,
    failure_message: decline ? decline.message : null,
    fraud_details: {},
    livemode: false,
    metadata: { ...paymentIntent.metadata },
    on_behalf_of: null,
    outcome: succeeded
      ? {
          advice_code: null,
          network_advice_code: null,
          network_decline_code: null,
          network_status: 'approved_by_network',
          reason: null,
          risk_level: 'normal',
          risk_score: 32,
          seller_message: 'Payment complete.',
          type: 'authorized',
        }
      : {
          advice_code: decline.advice_code ?? null,
          network_advice_code: null,
          network_decline_code: null,
          network_status: 'declined_by_network',
          reason: decline.decline_code,
          risk_level: 'normal',
          risk_score: 32,
          seller_message: `The bank returned the decline code \`${decline.decline_code}\`.`,
          type: 'issuer_declined',
        },
    paid: succeeded,
    payment_intent: paymentIntent.id,
    payment_method: paymentMethod.id,
    payment_method_details: {
      card: {
        amount_authorized: succeeded ? paymentIntent.amount : null,
        authorization_code: succeeded ? String(100000 + Math.floor(Math.random() * 899999)) : null,
        brand: card.brand,
        checks: card.checks,
        country: card.country,
        exp_month: card.exp_month,
        exp_year: card.exp_year,
        extended_authorization: { status: 'disabled' },
        fingerprint: card.fingerprint,
        funding: card.funding,
        incremental_authorization: { status: 'unavailable' },
        installments: null,
        last4: card.last4,
        mandate: null,
        multicapture: { status: 'unavailable' },
        network: card.brand,
        network_token: { used: false },
        network_transaction_id: randomToken(15).replace(/\D/g, '7'),
        overcapture: { maximum_amount_capturable: paymentIntent.amount, status: 'unavailable' },
        regulated_status: 'unregulated',
        three_d_secure: paymentIntent._authenticated ? { authentication_flow: 'challenge', result: 'authenticated', result_reason: null, version: '2.2.0' } : null,
        wallet: null,
      },
      type: 'card',
    },
    receipt_email: paymentIntent.receipt_email ?? null,
    receipt_number: null,
    receipt_url: succeeded ? `${emulator.publicUrl}/receipts/${id}` : null,
    refunded: false,
    refunds: { object: 'list', data: [], has_more: false, total_count: 0, url: `/v1/charges/${id}/refunds` },
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: succeeded ? 'succeeded' : 'failed',
    transfer_data: null,
    transfer_group: null,
  };
  emulator.store.insert(charge);
  emulator.emit(succeeded ? 'charge.succeeded' : 'charge.failed', charge);
  scheduleTestDispute(emulator, charge, paymentMethod);
  return charge;
}

export function registerChargeRoutes(router: Router): void {
  router.get('/v1/charges/:id', (em, req) => em.store.require('charge', req.pathParams.id!));
  router.get('/v1/charges', (em, req) => {
    assertKnownParams(req.params, [...LIST_PARAMS, 'customer', 'payment_intent', 'created']);
    const customer = optionalString(req.params, 'customer');
    const paymentIntent = optionalString(req.params, 'payment_intent');
    const items = em.store.list(
      'charge',
      (c) => (!customer || c.customer === customer) && (!paymentIntent || c.payment_intent === paymentIntent) && matchesCreated(c.created, req.params.created),
    );
    return paginate(items, req.params, '/v1/charges');
  });
}
