import type { ServerResponse } from 'node:http';

export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const STYLE = `
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1f36;background:#f6f9fc}
main{max-width:480px;margin:40px auto;padding:32px;background:#fff;border-radius:12px;box-shadow:0 2px 12px rgba(50,50,93,.12)}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}.muted{color:#697386;font-size:13px}
table{width:100%;border-collapse:collapse;margin:16px 0}td{padding:8px 0;border-bottom:1px solid #e3e8ee}td.amount{text-align:right}
tr.total td{font-weight:600;border-bottom:none}
label{display:block;font-size:13px;font-weight:500;margin:12px 0 4px}
input,select{width:100%;padding:10px 12px;font:inherit;border:1px solid #cfd7df;border-radius:6px}
input:focus,select:focus{outline:2px solid #635bff;border-color:#635bff}
.row{display:flex;gap:12px}.row>div{flex:1}
button{font:inherit;cursor:pointer;border:none;border-radius:6px;padding:11px 16px;background:#635bff;color:#fff;font-weight:600}
button.primary{width:100%;margin-top:20px}button.secondary{background:#fff;color:#1a1f36;border:1px solid #cfd7df;padding:6px 12px;font-weight:500}
button.danger{background:#fff;color:#cd3d64;border:1px solid #cd3d64;padding:6px 12px}
.alert{margin:16px 0;padding:12px;border-radius:6px;background:#fde8ec;color:#a41c4e}.notice{margin:16px 0;padding:12px;border-radius:6px;background:#e6f6ee;color:#0e6245}
.card{display:flex;align-items:center;justify-content:space-between;gap:8px;padding:12px 0;border-bottom:1px solid #e3e8ee}
.card form{display:inline}.badge{font-size:12px;padding:2px 8px;border-radius:10px;background:#e3e8ee;margin-left:6px}
a{color:#635bff}.actions{display:flex;gap:8px;flex-wrap:wrap}.test-banner{font-size:12px;text-align:center;color:#a04100;background:#ffde92;padding:4px}
`;

export function renderPage(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><div class="test-banner">TEST MODE · stripe-emulator</div><main>${body}</main></body></html>`;
}

export function sendHtml(response: ServerResponse, status: number, html: string): void {
  response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  response.end(html);
}

export function redirect(response: ServerResponse, url: string): void {
  response.writeHead(303, { location: url, 'cache-control': 'no-store' });
  response.end();
}

export function alertBox(message: string | undefined): string {
  return message ? `<div class="alert" role="alert">${escapeHtml(message)}</div>` : '';
}

export function noticeBox(message: string | undefined): string {
  return message ? `<div class="notice" role="status">${escapeHtml(message)}</div>` : '';
}

/** The card form fields shared by Checkout and the Portal. */
export function cardFields(): string {
  return `<label for="cardNumber">Card number</label>
<input id="cardNumber" name="cardNumber" inputmode="numeric" autocomplete="cc-number" placeholder="1234 1234 1234 1234" required>
<div class="row"><div><label for="cardExpiry">Expiration</label>
<input id="cardExpiry" name="cardExpiry" autocomplete="cc-exp" placeholder="MM / YY" required></div>
<div><label for="cardCvc">CVC</label><input id="cardCvc" name="cardCvc" inputmode="numeric" autocomplete="cc-csc" placeholder="CVC" required></div></div>
<label for="billingName">Name on card</label><input id="billingName" name="billingName" autocomplete="cc-name">`;
}

/** "MM / YY" or "MM/YYYY" → month/year, or undefined when unreadable. */
export function parseExpiry(value: string): { month: number; year: number } | undefined {
  const match = /^\s*(\d{1,2})\s*\/?\s*(\d{2}|\d{4})\s*$/.exec(value);
  if (!match) return undefined;
  const year = Number(match[2]);
  return { month: Number(match[1]), year: year < 100 ? 2000 + year : year };
}
