import type Stripe from 'stripe';
import { cardByNumber } from '../cards.js';
import type { Emulator } from '../emulator.js';
import { invalidRequest } from '../errors.js';
import { newId, nowSeconds } from '../ids.js';
import { LIST_PARAMS, matchesCreated, paginate } from '../lists.js';
import { assertKnownParams, mergeMetadata, optionalBool, optionalString } from '../params.js';
import type { Router } from '../router.js';
import type { StripeObject } from '../store.js';

/** How long after the charge a dispute test card's dispute is opened ("shortly after", as in test mode). */
const DISPUTE_DELAY_MS = 100;

const EVIDENCE_FIELDS = [
  'access_activity_log',
  'billing_address',
  'cancellation_policy',
  'cancellation_policy_disclosure',
  'cancellation_rebuttal',
  'customer_communication',
  'customer_email_address',
  'customer_name',
  'customer_purchase_ip',
  'customer_signature',
  'duplicate_charge_documentation',
  'duplicate_charge_explanation',
  'duplicate_charge_id',
  'product_description',
  'receipt',
  'refund_policy',
  'refund_policy_disclosure',
  'refund_refusal_explanation',
  'service_date',
  'service_documentation',
  'shipping_address',
  'shipping_carrier',
  'shipping_date',
  'shipping_documentation',
  'shipping_tracking_number',
  'uncategorized_file',
  'uncategorized_text',
] as const;

function balanceTransaction(dispute: StripeObject, amount: number, description: string): Stripe.BalanceTransaction {
  const now = nowSeconds();
  return {
    id: newId('txn'),
    object: 'balance_transaction',
    amount,
    available_on: now,
    balance_type: 'payments',
    created: now,
    currency: dispute.currency,
    description,
    exchange_rate: null,
    fee: amount < 0 ? 1500 : -1500,
    fee_details: [{ amount: amount < 0 ? 1500 : -1500, application: null, currency: dispute.currency, description: 'Dispute fee', type: 'stripe_fee' }],
    net: amount < 0 ? amount - 1500 : amount + 1500,
    reporting_category: amount < 0 ? 'dispute' : 'dispute_reversal',
    source: dispute.id,
    status: 'available',
    type: 'adjustment',
  };
}

/**
 * After a successful charge on a dispute test card (`pm_card_createDispute`: fraudulent; `…Inquiry`: an
 * inquiry), the cardholder's bank opens a dispute for the whole amount: `charge.dispute.created`, and for a
 * chargeback (not an inquiry) the funds are withdrawn at once — `charge.dispute.funds_withdrawn`, as Stripe does.
 */
export function scheduleTestDispute(emulator: Emulator, charge: StripeObject, paymentMethod: StripeObject): void {
  const disputes = cardByNumber(paymentMethod._number).disputes;
  if (!disputes || charge.status !== 'succeeded') return;
  setTimeout(() => openDispute(emulator, charge, disputes), DISPUTE_DELAY_MS).unref();
}

function openDispute(emulator: Emulator, charge: StripeObject, test: { reason: string; status: 'needs_response' | 'warning_needs_response' }): void {
  const id = newId('dp');
  const chargeback = test.status === 'needs_response';
  const dispute = {
    id,
    object: 'dispute',
    amount: charge.amount,
    balance_transactions: [] as Stripe.BalanceTransaction[],
    charge: charge.id,
    created: emulator.nowFor(charge.customer),
    currency: charge.currency,
    enhanced_eligibility_types: [],
    evidence: {
      ...(Object.fromEntries(EVIDENCE_FIELDS.map((f) => [f, null])) as Record<(typeof EVIDENCE_FIELDS)[number], null>),
      enhanced_evidence: {},
    },
    evidence_details: {
      due_by: nowSeconds() + 7 * 86400,
      enhanced_eligibility: {},
      has_evidence: false,
      past_due: false,
      submission_count: 0,
      submission_method: 'not_submitted',
    },
    intended_submission_method: null,
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    network_reason_code: '10.4',
    payment_intent: charge.payment_intent,
    payment_method_details: {
      card: {
        brand: charge.payment_method_details.card.brand,
        case_type: chargeback ? 'chargeback' : 'inquiry',
        network: charge.payment_method_details.card.network,
        network_reason_code: '10.4',
      },
      type: 'card',
    },
    reason: test.reason,
    status: test.status,
  } satisfies Stripe.Dispute;
  if (chargeback) dispute.balance_transactions.push(balanceTransaction(dispute, -charge.amount, `Chargeback withdrawal for ${charge.id}`));
  emulator.store.insert(dispute);
  charge.disputed = true;
  emulator.store.changed();
  emulator.emit('charge.dispute.created', dispute);
  if (chargeback) emulator.emit('charge.dispute.funds_withdrawn', dispute);
}

const OPEN = ['needs_response', 'warning_needs_response', 'under_review', 'warning_under_review'];

/**
 * Closes an open dispute `won` or `lost` (a chargeback; an inquiry closes `warning_closed`): `charge.dispute.closed`,
 * and for a won chargeback the funds come back — `charge.dispute.funds_reinstated`. What test mode does when
 * evidence with `uncategorized_text: "winning_evidence"` / `"losing_evidence"` is submitted, or `close` accepts it.
 */
export function closeDispute(emulator: Emulator, dispute: StripeObject, outcome: 'won' | 'lost'): StripeObject {
  if (!OPEN.includes(dispute.status)) throw invalidRequest(`This dispute is already closed (status ${dispute.status}).`, { code: 'dispute_already_closed' });
  const inquiry = dispute.status.startsWith('warning_');
  dispute.status = inquiry ? 'warning_closed' : outcome;
  if (!inquiry && outcome === 'won') dispute.balance_transactions.push(balanceTransaction(dispute, dispute.amount, `Chargeback reversal for ${dispute.charge}`));
  emulator.store.changed();
  emulator.emit('charge.dispute.closed', dispute);
  if (!inquiry && outcome === 'won') emulator.emit('charge.dispute.funds_reinstated', dispute);
  return dispute;
}

function updateDispute(emulator: Emulator, dispute: StripeObject, params: StripeObject): StripeObject {
  assertKnownParams(params, ['evidence', 'metadata', 'submit', 'expand']);
  if (!OPEN.includes(dispute.status)) throw invalidRequest(`This dispute is already closed (status ${dispute.status}).`, { code: 'dispute_already_closed' });
  const evidence = (params.evidence ?? {}) as StripeObject;
  for (const key of Object.keys(evidence)) {
    if (!(EVIDENCE_FIELDS as readonly string[]).includes(key)) throw invalidRequest(`Received unknown parameter: evidence[${key}]`, { param: `evidence[${key}]` });
    dispute.evidence[key] = evidence[key] === '' ? null : String(evidence[key]);
  }
  dispute.evidence_details.has_evidence = EVIDENCE_FIELDS.some((f) => dispute.evidence[f] !== null);
  dispute.metadata = mergeMetadata(dispute.metadata, params.metadata);
  emulator.store.changed();
  if (optionalBool(params, 'submit') === false) {
    emulator.emit('charge.dispute.updated', dispute);
    return dispute;
  }
  dispute.evidence_details.submission_count += 1;
  dispute.evidence_details.submission_method = 'manual';
  dispute.status = dispute.status.startsWith('warning_') ? 'warning_under_review' : 'under_review';
  emulator.emit('charge.dispute.updated', dispute);
  const text = dispute.evidence.uncategorized_text;
  if (text === 'winning_evidence' || text === 'losing_evidence') closeDispute(emulator, dispute, text === 'winning_evidence' ? 'won' : 'lost');
  return dispute;
}

export function registerDisputeRoutes(router: Router): void {
  router.get('/v1/disputes/:id', (em, req) => em.store.require('dispute', req.pathParams.id!));
  router.post('/v1/disputes/:id', (em, req) => updateDispute(em, em.store.require('dispute', req.pathParams.id!), req.params));
  router.post('/v1/disputes/:id/close', (em, req) => closeDispute(em, em.store.require('dispute', req.pathParams.id!), 'lost'));
  router.get('/v1/disputes', (em, req) => {
    assertKnownParams(req.params, [...LIST_PARAMS, 'charge', 'payment_intent', 'created']);
    const charge = optionalString(req.params, 'charge');
    const paymentIntent = optionalString(req.params, 'payment_intent');
    const items = em.store.list(
      'dispute',
      (d) => (!charge || d.charge === charge) && (!paymentIntent || d.payment_intent === paymentIntent) && matchesCreated(d.created, req.params.created),
    );
    return paginate(items, req.params, '/v1/disputes');
  });
}
