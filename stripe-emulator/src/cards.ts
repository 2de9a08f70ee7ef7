/** Stripe's test cards (../shared/stripe/README.md) and how each one behaves. */
export interface Decline {
  code: string;
  decline_code: string;
  message: string;
  advice_code?: string;
  param?: string;
}

/** How a card reacts to 3-D Secure: see the "On-session"/"Off-session" columns of the test-card table. */
type ThreeDSecure =
  | 'none'
  /** on-session: requires_action; off-session: authentication_required */
  | 'always'
  /** on-session: requires_action; off-session: succeeds once set up off-session */
  | 'unless_setup'
  /** on-session: requires_action; off-session: always succeeds */
  | 'on_session_only';

export interface TestCard {
  number: string;
  paymentMethodIds: string[];
  brand: string;
  country: string;
  funding: 'credit' | 'debit' | 'prepaid';
  threeDSecure: ThreeDSecure;
  /** Declines every charge and every attempt to save it (attach / SetupIntent). */
  declines?: Decline;
  /** Saves fine, but every charge declines. */
  chargeDeclines?: Decline;
  /** Declines after a completed authentication (on-session). */
  declinesAfterAuthentication?: Decline;
  /** Off-session charge declines with this (instead of authentication_required). */
  offSessionDeclines?: Decline;
  /** A successful charge is disputed shortly after: `charge.dispute.created` with this reason and status. */
  disputes?: { reason: string; status: 'needs_response' | 'warning_needs_response' };
}

const DECLINES = {
  generic: { code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.', advice_code: 'try_again_later' },
  insufficientFunds: { code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.', advice_code: 'try_again_later' },
  lostCard: { code: 'card_declined', decline_code: 'lost_card', message: 'Your card was declined.', advice_code: 'do_not_try_again' },
  stolenCard: { code: 'card_declined', decline_code: 'stolen_card', message: 'Your card was declined.', advice_code: 'do_not_try_again' },
  expiredCard: { code: 'expired_card', decline_code: 'expired_card', message: 'Your card has expired.', param: 'exp_month' },
  incorrectCvc: { code: 'incorrect_cvc', decline_code: 'incorrect_cvc', message: "Your card's security code is incorrect.", param: 'cvc' },
  processingError: { code: 'processing_error', decline_code: 'processing_error', message: 'An error occurred while processing your card. Try again in a little bit.' },
  authenticationRequired: {
    code: 'authentication_required',
    decline_code: 'authentication_required',
    message: 'Your card was declined. This transaction requires authentication.',
  },
} satisfies Record<string, Decline>;

function visa(number: string, ids: string[], extra: Partial<TestCard> = {}): TestCard {
  return { number, paymentMethodIds: ids, brand: 'visa', country: 'US', funding: 'credit', threeDSecure: 'none', ...extra };
}

const TEST_CARDS: TestCard[] = [
  visa('4242424242424242', ['pm_card_visa']),
  visa('4000056655665556', ['pm_card_visa_debit'], { funding: 'debit' }),
  { ...visa('5555555555554444', ['pm_card_mastercard']), brand: 'mastercard' },
  { ...visa('378282246310005', ['pm_card_amex']), brand: 'amex' },
  visa('4000000000000002', ['pm_card_visa_chargeDeclined', 'pm_card_chargeDeclined'], { declines: DECLINES.generic }),
  visa('4000000000009995', ['pm_card_visa_chargeDeclinedInsufficientFunds', 'pm_card_chargeDeclinedInsufficientFunds'], { declines: DECLINES.insufficientFunds }),
  visa('4000000000009987', ['pm_card_visa_chargeDeclinedLostCard', 'pm_card_chargeDeclinedLostCard'], { declines: DECLINES.lostCard }),
  visa('4000000000009979', ['pm_card_visa_chargeDeclinedStolenCard', 'pm_card_chargeDeclinedStolenCard'], { declines: DECLINES.stolenCard }),
  visa('4000000000000069', ['pm_card_chargeDeclinedExpiredCard'], { declines: DECLINES.expiredCard }),
  visa('4000000000000127', ['pm_card_chargeDeclinedIncorrectCvc'], { declines: DECLINES.incorrectCvc }),
  visa('4000000000000119', ['pm_card_chargeDeclinedProcessingError'], { declines: DECLINES.processingError }),
  visa('4000000000000341', ['pm_card_chargeCustomerFail'], { chargeDeclines: DECLINES.generic }),
  visa('4000002500003155', ['pm_card_authenticationRequiredOnSetup'], { threeDSecure: 'unless_setup' }),
  visa('4000002760003184', ['pm_card_authenticationRequired'], { threeDSecure: 'always', country: 'DE' }),
  visa('4000003800000446', ['pm_card_authenticationRequiredSetupForOffSession'], { threeDSecure: 'on_session_only' }),
  visa('4000008260003178', ['pm_card_authenticationRequiredChargeDeclinedInsufficientFunds'], {
    threeDSecure: 'always',
    declinesAfterAuthentication: DECLINES.insufficientFunds,
    offSessionDeclines: DECLINES.insufficientFunds,
  }),
  visa('4000000000003220', ['pm_card_threeDSecure2Required'], { threeDSecure: 'always' }),
  visa('4000008400001629', ['pm_card_threeDSecureRequiredChargeDeclined'], { threeDSecure: 'always', declinesAfterAuthentication: DECLINES.generic }),
  visa('4000000000003055', ['pm_card_threeDSecureOptional']),
  visa('4000000000000259', ['pm_card_createDispute'], { disputes: { reason: 'fraudulent', status: 'needs_response' } }),
  visa('4000000000001976', ['pm_card_createDisputeInquiry'], { disputes: { reason: 'fraudulent', status: 'warning_needs_response' } }),
];

export function cardByPaymentMethodId(id: string): TestCard | undefined {
  return TEST_CARDS.find((card) => card.paymentMethodIds.includes(id));
}

/** `tok_visa` ↔ `pm_card_visa`, `tok_chargeDeclined` ↔ `pm_card_chargeDeclined`, … */
export function cardByToken(token: string): TestCard | undefined {
  return token.startsWith('tok_') ? cardByPaymentMethodId(`pm_card_${token.slice(4)}`) : undefined;
}

export function isLuhnValid(number: string): boolean {
  if (!/^\d{12,19}$/.test(number)) return false;
  let sum = 0;
  for (let i = 0; i < number.length; i++) {
    let digit = Number(number[number.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** Any Luhn-valid number works; unknown numbers behave like 4242. */
export function cardByNumber(number: string): TestCard {
  const known = TEST_CARDS.find((card) => card.number === number);
  if (known) return known;
  const brand = number.startsWith('4') ? 'visa' : /^5[1-5]/.test(number) ? 'mastercard' : /^3[47]/.test(number) ? 'amex' : 'unknown';
  return { number, paymentMethodIds: [], brand, country: 'US', funding: 'credit', threeDSecure: 'none' };
}

export type PaymentOutcome = { kind: 'succeeded' } | { kind: 'requires_action' } | { kind: 'declined'; decline: Decline };

/** The decision table for a charge attempt with a card. */
export function decidePayment(card: TestCard, options: { offSession: boolean; setUpForOffSession: boolean; authenticated: boolean }): PaymentOutcome {
  const decline = card.declines ?? card.chargeDeclines;
  if (decline) return { kind: 'declined', decline };
  if (options.authenticated) {
    return card.declinesAfterAuthentication ? { kind: 'declined', decline: card.declinesAfterAuthentication } : { kind: 'succeeded' };
  }
  if (card.threeDSecure === 'none') return { kind: 'succeeded' };
  if (!options.offSession) return { kind: 'requires_action' };
  if (card.offSessionDeclines) return { kind: 'declined', decline: card.offSessionDeclines };
  if (card.threeDSecure === 'on_session_only') return { kind: 'succeeded' };
  if (card.threeDSecure === 'unless_setup' && options.setUpForOffSession) return { kind: 'succeeded' };
  return { kind: 'declined', decline: DECLINES.authenticationRequired };
}

/** Saving a card (attach, SetupIntent). */
export function decideSetup(card: TestCard, options: { authenticated: boolean }): PaymentOutcome {
  if (card.declines) return { kind: 'declined', decline: card.declines };
  if (options.authenticated) return { kind: 'succeeded' };
  if (card.threeDSecure === 'always' || card.threeDSecure === 'unless_setup') return { kind: 'requires_action' };
  return { kind: 'succeeded' };
}
