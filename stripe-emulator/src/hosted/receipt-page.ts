import type { ServerResponse } from 'node:http';
import { formatMoney } from '../billing-periods.js';
import type { Emulator } from '../emulator.js';
import { escapeHtml, renderPage, sendHtml } from './html.js';
import { formatDate } from './invoice-view.js';

/** `/receipts/:charge` — the charge's receipt (`receipt_url`), kept up to date with refunds. */
export function handleReceiptPage(emulator: Emulator, response: ServerResponse, id: string): void {
  const charge = emulator.store.get(id);
  if (!charge || charge.object !== 'charge' || charge.status !== 'succeeded') return sendHtml(response, 404, renderPage('Not found', '<h1>Receipt not found</h1>'));
  const card = charge.payment_method_details?.card;
  const refunded = charge.amount_refunded > 0 ? `<tr><td>Refunded</td><td class="amount">−${escapeHtml(formatMoney(charge.amount_refunded, charge.currency))}</td></tr>` : '';
  const body = `<p class="muted">Stripe Emulator</p><h1>Receipt</h1>
<p class="muted">Paid ${escapeHtml(formatDate(charge.created))}${card ? ` · ${escapeHtml(String(card.brand).toUpperCase())} •••• ${escapeHtml(card.last4)}` : ''}</p>
<table aria-label="Receipt"><tr><td>${escapeHtml(charge.description ?? 'Payment')}</td><td class="amount">${escapeHtml(formatMoney(charge.amount, charge.currency))}</td></tr>${refunded}
<tr class="total"><td>Amount paid</td><td class="amount" data-testid="receipt-amount">${escapeHtml(formatMoney(charge.amount, charge.currency))}</td></tr></table>
<p class="muted">Receipt for charge ${escapeHtml(charge.id)}</p>`;
  sendHtml(response, 200, renderPage('Receipt', body));
}
