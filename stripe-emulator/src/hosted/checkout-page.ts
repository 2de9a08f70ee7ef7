import type { ServerResponse } from 'node:http';
import { formatMoney } from '../billing-periods.js';
import { payCheckoutSession, resumeCheckoutSession, type CheckoutStep } from '../checkout-flow.js';
import type { Emulator } from '../emulator.js';
import type { Params } from '../form.js';
import type { StripeObject } from '../store.js';
import { alertBox, cardFields, escapeHtml, parseExpiry, redirect, renderPage, sendHtml } from './html.js';

const BUTTON_LABEL: Record<string, string> = { payment: 'Pay', setup: 'Save card', subscription: 'Subscribe' };

function lineItemsTable(session: StripeObject): string {
  if (session.mode === 'setup') return '<p>Save your card for future payments.</p>';
  const rows = session._line_items.map((item: StripeObject) => {
    const interval = item.price.recurring ? ` <span class="muted">per ${escapeHtml(item.price.recurring.interval)}</span>` : '';
    return `<tr><td>${escapeHtml(item.description ?? 'Item')} <span class="muted">× ${item.quantity}</span>${interval}</td><td class="amount">${escapeHtml(formatMoney(item.amount_total, item.currency))}</td></tr>`;
  });
  const total = `<tr class="total"><td>Total due today</td><td class="amount" data-testid="total">${escapeHtml(formatMoney(session.amount_total, session.currency))}</td></tr>`;
  return `<table aria-label="Order summary">${rows.join('')}${total}</table>`;
}

function renderCheckout(session: StripeObject, error?: string): string {
  if (session.status === 'expired') return renderPage('Checkout expired', '<h1>This Checkout Session has expired</h1><p class="muted">Start again from the merchant’s site.</p>');
  if (session.status === 'complete') {
    return renderPage(
      'Checkout complete',
      `<h1>Thanks, this session is complete</h1>${session.success_url ? `<a href="${escapeHtml(session.success_url.replace('{CHECKOUT_SESSION_ID}', session.id))}">Continue</a>` : ''}`,
    );
  }
  const email = session.customer
    ? ''
    : `<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="email" value="${escapeHtml(session.customer_email ?? '')}">`;
  const cancel = session.cancel_url ? `<p><a href="${escapeHtml(session.cancel_url)}">Cancel</a></p>` : '';
  const body = `<p class="muted">Stripe Emulator · ${escapeHtml(session.mode)} mode</p>
<h1>${session.mode === 'setup' ? 'Set up your card' : 'Checkout'}</h1>
${lineItemsTable(session)}${alertBox(error)}
<form method="post" action="/c/pay/${escapeHtml(session.id)}" novalidate>
${email}<h2>Card information</h2>${cardFields()}
<button class="primary" type="submit">${BUTTON_LABEL[session.mode]}</button></form>${cancel}`;
  return renderPage('Checkout', body);
}

function answer(response: ServerResponse, session: StripeObject, step: CheckoutStep): void {
  if (step.kind === 'redirect') return redirect(response, step.url);
  sendHtml(response, 402, renderCheckout(session, step.message));
}

export function showCheckoutPage(emulator: Emulator, response: ServerResponse, id: string): void {
  const session = emulator.store.get(id);
  if (!session || session.object !== 'checkout.session') return sendHtml(response, 404, renderPage('Not found', '<h1>Checkout session not found</h1>'));
  sendHtml(response, 200, renderCheckout(session));
}

export function submitCheckoutPage(emulator: Emulator, response: ServerResponse, id: string, form: Params): void {
  const session = emulator.store.get(id);
  if (!session || session.object !== 'checkout.session') return sendHtml(response, 404, renderPage('Not found', '<h1>Checkout session not found</h1>'));
  const number = String(form.cardNumber ?? '').replace(/\s+/g, '');
  const expiry = parseExpiry(String(form.cardExpiry ?? ''));
  if (!number) return sendHtml(response, 400, renderCheckout(session, 'Your card number is incomplete.'));
  if (!expiry) return sendHtml(response, 400, renderCheckout(session, "Your card's expiration date is incomplete."));
  if (!/^\d{3,4}$/.test(String(form.cardCvc ?? '').trim())) return sendHtml(response, 400, renderCheckout(session, "Your card's security code is incomplete."));
  const step = payCheckoutSession(emulator, session, {
    number,
    expMonth: expiry.month,
    expYear: expiry.year,
    name: typeof form.billingName === 'string' && form.billingName ? form.billingName : undefined,
    email: typeof form.email === 'string' && form.email ? form.email : undefined,
  });
  answer(response, session, step);
}

export function returnToCheckoutPage(emulator: Emulator, response: ServerResponse, id: string): void {
  const session = emulator.store.get(id);
  if (!session || session.object !== 'checkout.session') return sendHtml(response, 404, renderPage('Not found', '<h1>Checkout session not found</h1>'));
  answer(response, session, resumeCheckoutSession(emulator, session));
}
