import type { ServerResponse } from 'node:http';
import type { Emulator } from '../emulator.js';
import { escapeHtml, renderPage, sendHtml } from './html.js';
import { invoiceView, type InvoiceView } from './invoice-view.js';

const INVOICE_STYLE = `<style>main{max-width:720px}.head{display:flex;justify-content:space-between;align-items:flex-start;gap:16px}
.status{font-size:13px;font-weight:600;padding:3px 10px;border-radius:12px;background:#e3e8ee;color:#3c4257}.status.paid{background:#d7f7c2;color:#05690d}
.meta{display:grid;grid-template-columns:repeat(3,1fr);gap:16px;margin:24px 0}.meta h2{margin:0 0 4px;font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:#697386}
.meta p{margin:0}th{text-align:left;font-size:12px;text-transform:uppercase;color:#697386;padding:8px 0;border-bottom:1px solid #e3e8ee}th.amount{text-align:right}
.links{display:flex;gap:16px;margin-top:24px}.links a{font-weight:600}</style>`;

function lines(parts: string[]): string {
  return parts.map((part) => escapeHtml(part)).join('<br>');
}

function renderInvoice(view: InvoiceView): string {
  const rows = view.lines.map((line) => `<tr><td>${escapeHtml(line.description)}</td><td>${line.quantity}</td><td class="amount">${escapeHtml(line.amount)}</td></tr>`).join('');
  const paidRow = view.status === 'paid' ? `<tr><td colspan="2">Amount paid</td><td class="amount" data-testid="amount-paid">${escapeHtml(view.amountPaid)}</td></tr>` : '';
  const links = [
    view.pdfUrl ? `<a href="${escapeHtml(view.pdfUrl)}" data-testid="invoice-pdf">Download invoice (PDF)</a>` : '',
    view.receiptUrl ? `<a href="${escapeHtml(view.receiptUrl)}">View receipt</a>` : '',
  ].join('');
  const body = `${INVOICE_STYLE}<div class="head"><div><p class="muted">${escapeHtml(view.seller)}</p><h1>Invoice ${escapeHtml(view.number)}</h1>
<p class="muted">${view.status === 'paid' && view.paidOn ? `Paid ${escapeHtml(view.paidOn)}` : `Issued ${escapeHtml(view.issued)}`}</p></div>
<span class="status ${escapeHtml(view.status)}" data-testid="invoice-status">${escapeHtml(view.statusLabel)}</span></div>
<div class="meta"><div><h2>Invoice number</h2><p data-testid="invoice-number">${escapeHtml(view.number)}</p><h2 style="margin-top:12px">Date of issue</h2><p>${escapeHtml(view.issued)}</p></div>
<div><h2>Bill to</h2><p data-testid="bill-to">${lines(view.billTo) || '—'}</p>${view.taxIds.length ? `<p class="muted" data-testid="tax-ids">${lines(view.taxIds)}</p>` : ''}</div>
<div><h2>Payment</h2><p>${escapeHtml(view.paymentMethod ?? '—')}</p></div></div>
${view.description ? `<p>${escapeHtml(view.description)}</p>` : ''}
<table aria-label="Invoice lines"><thead><tr><th>Description</th><th>Qty</th><th class="amount">Amount</th></tr></thead><tbody>${rows}
<tr><td colspan="2">Subtotal</td><td class="amount">${escapeHtml(view.subtotal)}</td></tr>
<tr class="total"><td colspan="2">Total</td><td class="amount" data-testid="invoice-total">${escapeHtml(view.total)}</td></tr>${paidRow}
<tr class="total"><td colspan="2">Amount due</td><td class="amount">${escapeHtml(view.amountDue)}</td></tr></tbody></table>
${view.footer ? `<p class="muted">${escapeHtml(view.footer)}</p>` : ''}<div class="links">${links}</div>`;
  return renderPage(`Invoice ${view.number}`, body);
}

function findInvoice(emulator: Emulator, id: string) {
  const invoice = emulator.store.get(id);
  return invoice && invoice.object === 'invoice' && invoice.status !== 'draft' ? invoice : undefined;
}

/** `/i/:id` the hosted invoice page, `/i/:id/pdf` its PDF (both only once finalized, as at Stripe). */
export function handleInvoicePage(emulator: Emulator, response: ServerResponse, id: string, pdf: boolean): void {
  const invoice = findInvoice(emulator, id);
  if (!invoice) return sendHtml(response, 404, renderPage('Not found', '<h1>Invoice not found</h1>'));
  const view = invoiceView(emulator, invoice);
  if (!pdf) return sendHtml(response, 200, renderInvoice(view));
  // pdf-lib loads on the first PDF asked for, not with every emulator start
  import('./invoice-pdf.js')
    .then(({ renderInvoicePdf }) => renderInvoicePdf(view))
    .then(
      (bytes) => {
        response.writeHead(200, {
          'content-type': 'application/pdf',
          'content-disposition': `inline; filename="Invoice-${view.number}.pdf"`,
          'content-length': String(bytes.length),
          'cache-control': 'no-store',
        });
        response.end(Buffer.from(bytes));
      },
      (error: unknown) => {
        console.error('stripe-emulator: invoice PDF failed', error);
        sendHtml(response, 500, renderPage('Error', '<h1>The PDF could not be rendered</h1>'));
      },
    );
}
