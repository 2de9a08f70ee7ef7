import type { ServerResponse } from 'node:http';
import { StripeApiError } from '../errors.js';
import type { Emulator } from '../emulator.js';
import { formatMoney } from '../billing-periods.js';
import { authenticatePaymentIntent } from '../resources/payment-intents.js';
import { authenticateSetupIntent } from '../resources/setup-intents.js';
import type { StripeObject } from '../store.js';
import { escapeHtml, redirect, renderPage, sendHtml } from './html.js';

function intentOf(emulator: Emulator, id: string): StripeObject | undefined {
  const intent = emulator.store.get(id);
  return intent && (intent.object === 'payment_intent' || intent.object === 'setup_intent') ? intent : undefined;
}

/** Where Stripe sends the browser after the challenge: return_url + intent id, client secret, redirect_status. */
function returnUrlFor(intent: StripeObject): string | null {
  if (!intent._return_url) return null;
  const url = new URL(intent._return_url);
  const prefix = intent.object === 'payment_intent' ? 'payment_intent' : 'setup_intent';
  url.searchParams.set(prefix, intent.id);
  url.searchParams.set(`${prefix}_client_secret`, intent.client_secret);
  url.searchParams.set('redirect_status', intent.status === 'succeeded' || intent.status === 'processing' ? 'succeeded' : 'failed');
  return url.toString();
}

export function showThreeDSecurePage(emulator: Emulator, response: ServerResponse, id: string): void {
  const intent = intentOf(emulator, id);
  if (!intent) return sendHtml(response, 404, renderPage('Not found', '<h1>Authentication not found</h1>'));
  if (intent.status !== 'requires_action') {
    const back = returnUrlFor(intent);
    return sendHtml(
      response,
      200,
      renderPage(
        '3D Secure',
        `<h1>Nothing to authenticate</h1><p class="muted">This ${escapeHtml(intent.object)} has status ${escapeHtml(intent.status)}.</p>${back ? `<a href="${escapeHtml(back)}">Continue</a>` : ''}`,
      ),
    );
  }
  const amount =
    intent.object === 'payment_intent'
      ? `<p>Amount: <strong>${escapeHtml(formatMoney(intent.amount, intent.currency))}</strong></p>`
      : '<p>Confirm that you want to save this card.</p>';
  const body = `<h1>3D Secure 2 Test Page</h1>
<p class="muted">This is a test authentication page. Real cards would show their bank's challenge here.</p>${amount}
<form method="post" action="/3ds/${escapeHtml(id)}"><input type="hidden" name="outcome" value="complete"><button class="primary" type="submit">Complete authentication</button></form>
<form method="post" action="/3ds/${escapeHtml(id)}"><input type="hidden" name="outcome" value="fail"><button class="primary secondary" type="submit">Fail authentication</button></form>`;
  sendHtml(response, 200, renderPage('3D Secure authentication', body));
}

export function submitThreeDSecure(emulator: Emulator, response: ServerResponse, id: string, outcome: string): void {
  const intent = intentOf(emulator, id);
  if (!intent) return sendHtml(response, 404, renderPage('Not found', '<h1>Authentication not found</h1>'));
  try {
    const result = outcome === 'complete' ? 'complete' : 'fail';
    if (intent.object === 'payment_intent') authenticatePaymentIntent(emulator, intent, result);
    else authenticateSetupIntent(emulator, intent, result);
  } catch (error) {
    if (!(error instanceof StripeApiError)) throw error;
  }
  const back = returnUrlFor(intent);
  if (back) return redirect(response, back);
  sendHtml(
    response,
    200,
    renderPage('3D Secure', `<h1>Authentication ${intent.status === 'succeeded' ? 'complete' : 'failed'}</h1><p class="muted">You can close this window.</p>`),
  );
}
