import type { ServerResponse } from 'node:http';
import { formatMoney } from '../billing-periods.js';
import { StripeApiError } from '../errors.js';
import type { Emulator } from '../emulator.js';
import { updateWithEvent } from '../events.js';
import type { Params } from '../form.js';
import { updateCustomer } from '../resources/customers.js';
import { detachPaymentMethod, paymentMethodFromCardNumber } from '../resources/payment-methods.js';
import { buildSetupIntent, confirmSetupIntent } from '../resources/setup-intents.js';
import { requireRecurringPrice } from '../resources/subscriptions.js';
import type { StripeObject } from '../store.js';
import { alertBox, cardFields, escapeHtml, noticeBox, parseExpiry, redirect, renderPage, sendHtml } from './html.js';

function date(seconds: number): string {
  return new Date(seconds * 1000).toLocaleDateString('en-US', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });
}

function brandName(brand: string): string {
  return brand.charAt(0).toUpperCase() + brand.slice(1);
}

function cardsSection(emulator: Emulator, session: StripeObject, customer: StripeObject): string {
  const base = `/p/session/${escapeHtml(session.id)}`;
  const defaultId = customer.invoice_settings?.default_payment_method;
  const cards = emulator.store
    .list('payment_method', (pm) => pm.customer === customer.id)
    .map((pm) => {
      const isDefault = pm.id === defaultId;
      const label = `${brandName(pm.card.brand)} •••• ${pm.card.last4}`;
      const actions = isDefault
        ? ''
        : `<div class="actions">
<form method="post" action="${base}/default"><input type="hidden" name="payment_method" value="${escapeHtml(pm.id)}"><button class="secondary" type="submit" aria-label="Make ${escapeHtml(label)} default">Make default</button></form>
<form method="post" action="${base}/remove"><input type="hidden" name="payment_method" value="${escapeHtml(pm.id)}"><button class="danger" type="submit" aria-label="Remove ${escapeHtml(label)}">Remove</button></form></div>`;
      return `<li class="card" data-payment-method="${escapeHtml(pm.id)}"><span>${escapeHtml(label)} <span class="muted">Expires ${String(pm.card.exp_month).padStart(2, '0')}/${pm.card.exp_year}</span>${isDefault ? '<span class="badge">Default</span>' : ''}</span>${actions}</li>`;
    });
  const list = cards.length ? `<ul style="list-style:none;padding:0;margin:0">${cards.join('')}</ul>` : '<p class="muted">No payment methods on file.</p>';
  return `<h2>Payment methods</h2>${list}<p><a href="${base}?view=add">Add payment method</a></p>`;
}

function subscriptionSection(emulator: Emulator, session: StripeObject, customer: StripeObject): string {
  const base = `/p/session/${escapeHtml(session.id)}`;
  const subscriptions = emulator.store.list('subscription', (s) => s.customer === customer.id && ['active', 'past_due', 'trialing'].includes(s.status));
  if (subscriptions.length === 0) return '<h2>Subscription</h2><p class="muted">No active subscription.</p>';
  return subscriptions
    .map((subscription) => {
      const item = subscription.items.data[0];
      const product = emulator.store.get(item.price.product);
      const renewal = subscription.cancel_at_period_end ? `Cancels on ${date(item.current_period_end)}` : `Renews on ${date(item.current_period_end)}`;
      const options = emulator.store
        .list('price', (p) => p.active && p.recurring && p.currency === item.price.currency && p.id !== item.price.id)
        .map((p) => {
          const name = emulator.store.get(p.product)?.name ?? p.id;
          return `<option value="${escapeHtml(p.id)}">${escapeHtml(name)} — ${escapeHtml(formatMoney(p.unit_amount, p.currency))} / ${escapeHtml(p.recurring.interval)}</option>`;
        });
      const change = options.length
        ? `<form method="post" action="${base}/change-plan"><input type="hidden" name="subscription" value="${escapeHtml(subscription.id)}">
<label for="price-${escapeHtml(subscription.id)}">Change plan</label><select id="price-${escapeHtml(subscription.id)}" name="price">${options.join('')}</select>
<button class="secondary" type="submit" style="margin-top:8px">Update plan</button></form>`
        : '';
      const toggle = subscription.cancel_at_period_end
        ? `<form method="post" action="${base}/renew"><input type="hidden" name="subscription" value="${escapeHtml(subscription.id)}"><button class="secondary" type="submit">Renew subscription</button></form>`
        : `<form method="post" action="${base}/cancel"><input type="hidden" name="subscription" value="${escapeHtml(subscription.id)}"><button class="danger" type="submit">Cancel subscription</button></form>`;
      return `<h2>Subscription</h2><p><strong>${escapeHtml(product?.name ?? 'Plan')}</strong> — ${escapeHtml(formatMoney(item.price.unit_amount, item.price.currency))} / ${escapeHtml(item.price.recurring.interval)}
<span class="badge">${escapeHtml(subscription.status)}</span><br><span class="muted">${escapeHtml(renewal)}</span></p><div class="actions">${toggle}</div>${change}`;
    })
    .join('');
}

function renderPortal(emulator: Emulator, session: StripeObject, view: string, messages: { error?: string; notice?: string }): string {
  const customer = emulator.store.require('customer', session.customer);
  const back = session.return_url ? `<p><a href="${escapeHtml(session.return_url)}">Return to merchant</a></p>` : '';
  const header = `<p class="muted">Stripe Emulator · Billing portal</p><h1>${escapeHtml(customer.name ?? customer.email ?? customer.id)}</h1>${noticeBox(messages.notice)}${alertBox(messages.error)}`;
  if (view === 'add') {
    const form = `<h2>Add payment method</h2><form method="post" action="/p/session/${escapeHtml(session.id)}/cards" novalidate>${cardFields()}<button class="primary" type="submit">Add card</button></form>`;
    return renderPage('Add payment method', `${header}${form}<p><a href="/p/session/${escapeHtml(session.id)}?view=home">Cancel</a></p>${back}`);
  }
  return renderPage('Billing portal', `${header}${subscriptionSection(emulator, session, customer)}${cardsSection(emulator, session, customer)}${back}`);
}

/** New card: the customer's default and every live subscription's default (as the Stripe portal does). */
function makeDefault(emulator: Emulator, customer: StripeObject, paymentMethodId: string): void {
  updateCustomer(emulator, customer, { invoice_settings: { default_payment_method: paymentMethodId } });
  for (const subscription of emulator.store.list('subscription', (s) => s.customer === customer.id && s.status !== 'canceled' && s.default_payment_method)) {
    updateWithEvent(emulator, 'customer.subscription.updated', subscription, (s) => (s.default_payment_method = paymentMethodId));
  }
}

function afterCardAdded(emulator: Emulator, response: ServerResponse, session: StripeObject): void {
  const redirectUrl = session.flow?.after_completion?.redirect?.return_url;
  if (session.flow?.type === 'payment_method_update' && redirectUrl) return redirect(response, redirectUrl);
  redirect(response, `/p/session/${session.id}?view=home&notice=${encodeURIComponent('Your payment method was added.')}`);
}

function runAction(emulator: Emulator, response: ServerResponse, session: StripeObject, action: string, form: Params): void {
  const customer = emulator.store.require('customer', session.customer);
  const home = (notice: string) => redirect(response, `/p/session/${session.id}?view=home&notice=${encodeURIComponent(notice)}`);
  const ownPaymentMethod = () => {
    const pm = emulator.store.require('payment_method', String(form.payment_method ?? ''));
    if (pm.customer !== customer.id) throw new StripeApiError(404, { error: { message: 'Payment method not found.' } });
    return pm;
  };
  const ownSubscription = () => {
    const sub = emulator.store.require('subscription', String(form.subscription ?? ''));
    if (sub.customer !== customer.id) throw new StripeApiError(404, { error: { message: 'Subscription not found.' } });
    return sub;
  };
  switch (action) {
    case 'cards': {
      const expiry = parseExpiry(String(form.cardExpiry ?? ''));
      if (!expiry) throw new StripeApiError(400, { error: { message: "Your card's expiration date is incomplete." } });
      const paymentMethod = paymentMethodFromCardNumber(emulator, String(form.cardNumber ?? ''), {
        expMonth: expiry.month,
        expYear: expiry.year,
        name: form.billingName || undefined,
      });
      const setupIntent = buildSetupIntent(emulator, { customer: customer.id, usage: 'off_session' });
      confirmSetupIntent(emulator, setupIntent, { paymentMethod: paymentMethod.id, returnUrl: `${emulator.publicUrl}/p/session/${session.id}/setup-return` });
      if (setupIntent.status === 'requires_action') return redirect(response, setupIntent.next_action.redirect_to_url.url);
      makeDefault(emulator, customer, paymentMethod.id);
      return afterCardAdded(emulator, response, session);
    }
    case 'setup-return': {
      const setupIntent = emulator.store.require('setup_intent', String(form.setup_intent ?? ''));
      if (setupIntent.customer !== customer.id || setupIntent.status !== 'succeeded') {
        throw new StripeApiError(402, { error: { message: setupIntent.last_setup_error?.message ?? 'Card setup was not completed.' } });
      }
      makeDefault(emulator, customer, setupIntent.payment_method);
      return afterCardAdded(emulator, response, session);
    }
    case 'default':
      makeDefault(emulator, customer, ownPaymentMethod().id);
      return home('Default payment method updated.');
    case 'remove':
      detachPaymentMethod(emulator, ownPaymentMethod());
      return home('Payment method removed.');
    case 'cancel': {
      const sub = ownSubscription();
      updateWithEvent(emulator, 'customer.subscription.updated', sub, (s) => {
        Object.assign(s, { cancel_at_period_end: true, cancel_at: s.items.data[0].current_period_end, canceled_at: emulator.nowFor(customer.id) });
        s.cancellation_details = { comment: null, feedback: null, reason: 'cancellation_requested' };
      });
      return home('Your subscription will be canceled at the end of the billing period.');
    }
    case 'renew': {
      updateWithEvent(emulator, 'customer.subscription.updated', ownSubscription(), (s) => {
        Object.assign(s, { cancel_at_period_end: false, cancel_at: null, canceled_at: null });
        s.cancellation_details = { comment: null, feedback: null, reason: null };
      });
      return home('Your subscription will renew.');
    }
    case 'change-plan': {
      const sub = ownSubscription();
      const price = requireRecurringPrice(emulator, String(form.price ?? ''), 'price');
      updateWithEvent(emulator, 'customer.subscription.updated', sub, (s) => {
        const item = s.items.data[0];
        item.price = structuredClone(price);
        item.plan = {
          ...item.plan,
          id: price.id,
          amount: price.unit_amount,
          amount_decimal: price.unit_amount_decimal,
          product: price.product,
          interval: price.recurring.interval,
          interval_count: price.recurring.interval_count,
        };
        for (const key of Object.keys(item.price)) if (key.startsWith('_')) delete item.price[key];
      });
      return home('Your plan was updated.');
    }
    default:
      sendHtml(response, 404, renderPage('Not found', '<h1>Not found</h1>'));
  }
}

export function handlePortalRequest(emulator: Emulator, response: ServerResponse, method: string, id: string, action: string, form: Params): void {
  const session = emulator.store.get(id);
  if (!session || session.object !== 'billing_portal.session') return sendHtml(response, 404, renderPage('Not found', '<h1>Portal session not found</h1>'));
  const startView = session.flow?.type === 'payment_method_update' ? 'add' : 'home';
  if (method === 'GET' && action === '') {
    return sendHtml(response, 200, renderPortal(emulator, session, String(form.view ?? startView), { notice: form.notice ? String(form.notice) : undefined }));
  }
  if (method !== 'POST' && action !== 'setup-return') return sendHtml(response, 405, renderPage('Not allowed', '<h1>Method not allowed</h1>'));
  try {
    runAction(emulator, response, session, action, form);
  } catch (error) {
    if (!(error instanceof StripeApiError)) throw error;
    const view = action === 'cards' || action === 'setup-return' ? 'add' : 'home';
    sendHtml(response, error.status, renderPortal(emulator, session, view, { error: String(error.body.error.message) }));
  }
}
