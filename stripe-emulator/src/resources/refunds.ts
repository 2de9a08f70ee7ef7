import type Stripe from 'stripe';
import type { Emulator } from '../emulator.js';
import { invalidRequest } from '../errors.js';
import { newId } from '../ids.js';
import { LIST_PARAMS, matchesCreated, paginate } from '../lists.js';
import { assertKnownParams, mergeMetadata, optionalEnum, optionalInt, optionalString } from '../params.js';
import type { Router } from '../router.js';
import { render, type StripeObject } from '../store.js';

const REASONS = ['duplicate', 'fraudulent', 'requested_by_customer'] as const;
const money = (cents: number) => `$${(cents / 100).toFixed(2)}`;

/**
 * `POST /v1/refunds`: refunds `amount` (default: what is left) of a succeeded charge, named by `charge` or by
 * `payment_intent` (its latest charge). Card refunds succeed at once here, as in test mode. The charge's
 * `amount_refunded`, `refunded` (fully) and `refunds` list change; events `refund.created` and then
 * `charge.refunded` (the charge). Errors as Stripe words them: an already fully refunded charge
 * (`charge_already_refunded`), an amount above what is left, a disputed charge (`charge_disputed`).
 */
function createRefund(emulator: Emulator, params: StripeObject): StripeObject {
  assertKnownParams(params, ['charge', 'payment_intent', 'amount', 'reason', 'metadata', 'expand', 'instructions_email']);
  const chargeId = optionalString(params, 'charge');
  const paymentIntentId = optionalString(params, 'payment_intent');
  if (!chargeId && !paymentIntentId) throw invalidRequest('One of the following params should be provided for this request: payment_intent or charge.');
  if (chargeId && paymentIntentId) throw invalidRequest('You cannot specify both charge and payment_intent.', { param: 'charge' });
  let charge: StripeObject;
  if (chargeId) charge = emulator.store.require('charge', chargeId, 'charge');
  else {
    const pi = emulator.store.require('payment_intent', paymentIntentId!, 'payment_intent');
    if (!pi.latest_charge || pi.status !== 'succeeded') {
      throw invalidRequest(`This PaymentIntent (${pi.id}) does not have a successful charge to refund.`, { param: 'payment_intent' });
    }
    charge = emulator.store.require('charge', pi.latest_charge);
  }
  if (charge.status !== 'succeeded') throw invalidRequest(`Charge ${charge.id} has not succeeded; cannot refund.`, { param: 'charge' });
  if (charge.disputed) throw invalidRequest(`Charge ${charge.id} has been charged back; cannot issue a refund.`, { code: 'charge_disputed' });
  const left = charge.amount - charge.amount_refunded;
  if (left <= 0) throw invalidRequest(`Charge ${charge.id} has already been refunded.`, { code: 'charge_already_refunded' });
  const amount = optionalInt(params, 'amount') ?? left;
  if (amount < 1) throw invalidRequest('Invalid positive integer', { param: 'amount' });
  if (amount > left) {
    throw invalidRequest(`Refund amount (${money(amount)}) is greater than unrefunded amount on charge (${money(left)})`, { param: 'amount' });
  }
  const refund = {
    id: newId('re'),
    object: 'refund',
    amount,
    balance_transaction: newId('txn'),
    charge: charge.id,
    created: emulator.nowFor(charge.customer),
    currency: charge.currency,
    customer: charge.customer,
    customer_account: null,
    destination_details: {
      card: { reference: String(Math.floor(Math.random() * 1e12)), reference_status: 'available', reference_type: 'acquirer_reference_number', type: 'refund' },
      type: 'card',
    },
    metadata: mergeMetadata({}, params.metadata),
    payment_intent: charge.payment_intent,
    payment_method: charge.payment_method,
    reason: optionalEnum(params, 'reason', REASONS) ?? null,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
  } satisfies Stripe.Refund;
  emulator.store.insert(refund);
  charge.amount_refunded += amount;
  charge.refunded = charge.amount_refunded === charge.amount;
  charge.refunds.data.unshift(refund); // the same object (as the SDK sees it: the refund, expanded)
  charge.refunds.total_count += 1;
  emulator.store.changed();
  emulator.emit('refund.created', refund);
  emulator.emit('charge.refunded', charge);
  return refund;
}

export function registerRefundRoutes(router: Router): void {
  router.post('/v1/refunds', (em, req) => createRefund(em, req.params));
  router.get('/v1/refunds/:id', (em, req) => em.store.require('refund', req.pathParams.id!));
  router.post('/v1/refunds/:id', (em, req) => {
    assertKnownParams(req.params, ['metadata', 'expand']);
    const refund = em.store.require('refund', req.pathParams.id!);
    refund.metadata = mergeMetadata(refund.metadata, req.params.metadata);
    em.store.changed();
    return refund;
  });
  router.get('/v1/refunds', (em, req) => {
    assertKnownParams(req.params, [...LIST_PARAMS, 'charge', 'payment_intent', 'created']);
    const charge = optionalString(req.params, 'charge');
    const paymentIntent = optionalString(req.params, 'payment_intent');
    const items = em.store.list(
      'refund',
      (r) => (!charge || r.charge === charge) && (!paymentIntent || r.payment_intent === paymentIntent) && matchesCreated(r.created, req.params.created),
    );
    return paginate(items.map(render), req.params, '/v1/refunds');
  });
}
