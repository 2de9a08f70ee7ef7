import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Emulator } from '../emulator.js';
import { parseForm } from '../form.js';
import { returnToCheckoutPage, showCheckoutPage, submitCheckoutPage } from './checkout-page.js';
import { handleInvoicePage } from './invoice-page.js';
import { handlePortalRequest } from './portal-page.js';
import { handleReceiptPage } from './receipt-page.js';
import { showThreeDSecurePage, submitThreeDSecure } from './three-d-secure-page.js';

/** Hosted pages: Checkout `/c/pay/:id`, Billing Portal `/p/session/:id`, 3-D Secure `/3ds/:intent`,
 * invoices `/i/:id` (+ `/pdf`), receipts `/receipts/:charge`. */
export function handleHostedRequest(emulator: Emulator, request: IncomingMessage, response: ServerResponse, url: URL, body: string): boolean {
  const method = request.method ?? 'GET';
  const form = method === 'POST' ? parseForm(body) : parseForm(url.search.slice(1));
  const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (segments[0] === 'c' && segments[1] === 'pay' && segments[2]) {
    const id = segments[2];
    if (segments[3] === 'return') returnToCheckoutPage(emulator, response, id);
    else if (method === 'POST') submitCheckoutPage(emulator, response, id, form);
    else showCheckoutPage(emulator, response, id);
    return true;
  }
  if (segments[0] === '3ds' && segments[1]) {
    if (method === 'POST') submitThreeDSecure(emulator, response, segments[1], String(form.outcome ?? ''));
    else showThreeDSecurePage(emulator, response, segments[1]);
    return true;
  }
  if (segments[0] === 'i' && segments[1] && method === 'GET' && (segments.length === 2 || (segments.length === 3 && segments[2] === 'pdf'))) {
    handleInvoicePage(emulator, response, segments[1], segments[2] === 'pdf');
    return true;
  }
  if (segments[0] === 'receipts' && segments[1] && segments.length === 2 && method === 'GET') {
    handleReceiptPage(emulator, response, segments[1]);
    return true;
  }
  if (segments[0] === 'p' && segments[1] === 'session' && segments[2]) {
    handlePortalRequest(emulator, response, method, segments[2], segments[3] ?? '', form);
    return true;
  }
  return false;
}
