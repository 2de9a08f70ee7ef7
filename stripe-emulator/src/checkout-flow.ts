import { StripeApiError } from './errors.js';
import type { Emulator } from './emulator.js';
import type { StripeObject } from './store.js';
import { createCustomer } from './resources/customers.js';
import { paymentMethodFromCardNumber } from './resources/payment-methods.js';
import { buildPaymentIntent, confirmPaymentIntent } from './resources/payment-intents.js';
import { buildSetupIntent, confirmSetupIntent } from './resources/setup-intents.js';
import { createSubscription } from './resources/subscriptions.js';
import { createCheckoutInvoice } from './checkout-invoice.js';

/** What the hosted Checkout page does next. */
export type CheckoutStep = { kind: 'redirect'; url: string } | { kind: 'error'; message: string };

export interface CardEntry {
  number: string;
  expMonth?: number;
  expYear?: number;
  name?: string;
  email?: string;
}

function errorMessage(error: unknown): string {
  if (error instanceof StripeApiError) return String(error.body.error.message);
  throw error;
}

function successUrl(session: StripeObject): string {
  return (session.success_url ?? `${session.url ?? ''}/complete`).replace('{CHECKOUT_SESSION_ID}', session.id);
}

function complete(emulator: Emulator, session: StripeObject): CheckoutStep {
  const customer = session.customer ? emulator.store.get(session.customer) : undefined;
  session.status = 'complete';
  session.payment_status = session.mode === 'setup' ? 'no_payment_required' : 'paid';
  session.customer_details = {
    address: null,
    email: session._entered_email ?? customer?.email ?? session.customer_email ?? null,
    name: session._entered_name ?? customer?.name ?? null,
    phone: null,
    tax_exempt: 'none',
    tax_ids: [],
  };
  session.url = null;
  createCheckoutInvoice(emulator, session);
  emulator.store.changed();
  emulator.emit('checkout.session.completed', session);
  return { kind: 'redirect', url: successUrl(session) };
}

function ensureCustomer(emulator: Emulator, session: StripeObject): string {
  if (session.customer) return session.customer;
  const email = session._entered_email ?? session.customer_email;
  const customer = createCustomer(emulator, { ...(email ? { email } : {}), ...(session._entered_name ? { name: session._entered_name } : {}) });
  session.customer = customer.id;
  return customer.id;
}

function startSubscription(emulator: Emulator, session: StripeObject, paymentMethodId: string): CheckoutStep {
  const subscription = createSubscription(emulator, {
    customer: session.customer,
    items: session._line_items.map((item: StripeObject) => ({ price: item.price.id, quantity: item.quantity })),
    defaultPaymentMethod: paymentMethodId,
    metadata: session._subscription_data.metadata,
    customerPresent: true,
  });
  if (subscription.status !== 'active') {
    const invoice = emulator.store.get(subscription.latest_invoice);
    const paymentIntent = emulator.store.get(invoice?.payments.data[0]?.payment.payment_intent ?? '');
    subscription.status = 'incomplete_expired';
    emulator.store.changed();
    return { kind: 'error', message: paymentIntent?.last_payment_error?.message ?? 'Your card was declined.' };
  }
  session.subscription = subscription.id;
  session.invoice = subscription.latest_invoice;
  return complete(emulator, session);
}

/** The "Pay" / "Save card" / "Subscribe" button. */
export function payCheckoutSession(emulator: Emulator, session: StripeObject, card: CardEntry): CheckoutStep {
  if (session.status !== 'open') return { kind: 'error', message: 'This Checkout Session is no longer active.' };
  if (card.email) session._entered_email = card.email;
  if (card.name) session._entered_name = card.name;
  const returnUrl = `${emulator.publicUrl}/c/pay/${session.id}/return`;
  try {
    const paymentMethod = paymentMethodFromCardNumber(emulator, card.number, { expMonth: card.expMonth, expYear: card.expYear, name: card.name });
    if (session.mode === 'payment') {
      if (session.invoice_creation?.enabled) ensureCustomer(emulator, session);
      const existing = session.payment_intent ? emulator.store.get(session.payment_intent) : undefined;
      const paymentIntent =
        existing && existing.status === 'requires_payment_method'
          ? existing
          : buildPaymentIntent(emulator, {
              amount: session.amount_total,
              currency: session.currency,
              customer: session.customer,
              description: session._payment_intent_data.description ?? null,
              metadata: session._payment_intent_data.metadata,
              setupFutureUsage: session._payment_intent_data.setup_future_usage ?? null,
            });
      session.payment_intent = paymentIntent.id;
      emulator.store.changed();
      confirmPaymentIntent(emulator, paymentIntent, { paymentMethod: paymentMethod.id, returnUrl });
      if (paymentIntent.status === 'requires_action') return { kind: 'redirect', url: paymentIntent.next_action.redirect_to_url.url };
      return complete(emulator, session);
    }
    const customer = ensureCustomer(emulator, session);
    const setupIntent = buildSetupIntent(emulator, {
      customer,
      metadata: session.mode === 'setup' ? session._setup_intent_data.metadata : undefined,
      description: session.mode === 'setup' ? (session._setup_intent_data.description ?? null) : null,
      usage: 'off_session',
    });
    session.setup_intent = session.mode === 'setup' ? setupIntent.id : null;
    session._pending_setup_intent = setupIntent.id;
    emulator.store.changed();
    confirmSetupIntent(emulator, setupIntent, { paymentMethod: paymentMethod.id, returnUrl });
    if (setupIntent.status === 'requires_action') return { kind: 'redirect', url: setupIntent.next_action.redirect_to_url.url };
    return session.mode === 'setup' ? complete(emulator, session) : startSubscription(emulator, session, paymentMethod.id);
  } catch (error) {
    return { kind: 'error', message: errorMessage(error) };
  }
}

/** Back from the 3-D Secure page: finish, or show why it failed. */
export function resumeCheckoutSession(emulator: Emulator, session: StripeObject): CheckoutStep {
  if (session.status === 'complete') return { kind: 'redirect', url: successUrl(session) };
  if (session.status !== 'open') return { kind: 'error', message: 'This Checkout Session is no longer active.' };
  try {
    if (session.mode === 'payment') {
      const paymentIntent = emulator.store.get(session.payment_intent ?? '');
      if (paymentIntent?.status === 'succeeded') return complete(emulator, session);
      return { kind: 'error', message: paymentIntent?.last_payment_error?.message ?? 'Payment was not completed.' };
    }
    const setupIntent = emulator.store.get(session._pending_setup_intent ?? '');
    if (setupIntent?.status !== 'succeeded') {
      return { kind: 'error', message: setupIntent?.last_setup_error?.message ?? 'Card setup was not completed.' };
    }
    return session.mode === 'setup' ? complete(emulator, session) : startSubscription(emulator, session, setupIntent.payment_method);
  } catch (error) {
    return { kind: 'error', message: errorMessage(error) };
  }
}
