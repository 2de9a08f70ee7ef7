import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import type { InvoiceView } from './invoice-view.js';

const INK = rgb(0.1, 0.12, 0.21);
const MUTED = rgb(0.41, 0.45, 0.53);
const RULE = rgb(0.89, 0.91, 0.93);
const LEFT = 56;
const RIGHT = 556;

/** Helvetica speaks WinAnsi only: anything else becomes "?" rather than failing the whole PDF. */
function printable(font: PDFFont, text: string): string {
  const supported = new Set(font.getCharacterSet());
  return [...text].map((ch) => (supported.has(ch.codePointAt(0)!) ? ch : '?')).join('');
}

class Writer {
  y = 790;
  constructor(
    private readonly page: PDFPage,
    private readonly regular: PDFFont,
    private readonly bold: PDFFont,
  ) {}

  text(value: string, options: { x?: number; size?: number; bold?: boolean; color?: ReturnType<typeof rgb>; alignRight?: boolean } = {}): void {
    const font = options.bold ? this.bold : this.regular;
    const size = options.size ?? 10;
    const safe = printable(font, value);
    const x = options.alignRight ? (options.x ?? RIGHT) - font.widthOfTextAtSize(safe, size) : (options.x ?? LEFT);
    this.page.drawText(safe, { x, y: this.y, size, font, color: options.color ?? INK });
  }

  rule(): void {
    this.page.drawLine({ start: { x: LEFT, y: this.y - 6 }, end: { x: RIGHT, y: this.y - 6 }, thickness: 0.7, color: RULE });
  }

  down(by: number): void {
    this.y -= by;
  }
}

/** The invoice as a one-page A4-ish PDF: number, dates, bill-to with address and tax IDs, lines, totals, paid. */
export async function renderInvoicePdf(view: InvoiceView): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(`Invoice ${view.number}`);
  pdf.setAuthor(view.seller);
  pdf.setCreator('stripe-emulator');
  const page = pdf.addPage([612, 842]);
  const w = new Writer(page, await pdf.embedFont(StandardFonts.Helvetica), await pdf.embedFont(StandardFonts.HelveticaBold));

  w.text('Invoice', { size: 22, bold: true });
  w.text(view.status === 'paid' ? 'PAID' : view.statusLabel.toUpperCase(), {
    size: 12,
    bold: true,
    alignRight: true,
    color: view.status === 'paid' ? rgb(0.02, 0.41, 0.05) : MUTED,
  });
  w.down(28);
  const meta: [string, string][] = [['Invoice number', view.number], ['Date of issue', view.issued], ...(view.paidOn ? ([['Date paid', view.paidOn]] as [string, string][]) : [])];
  for (const [label, value] of meta) {
    w.text(label, { color: MUTED });
    w.text(value, { x: 160 });
    w.down(15);
  }
  w.down(15);
  w.text(view.seller, { bold: true });
  w.text('Bill to', { x: 320, bold: true });
  w.down(15);
  for (const line of [...view.billTo, ...view.taxIds]) {
    w.text(line, { x: 320 });
    w.down(14);
  }
  w.down(20);
  if (view.description) {
    w.text(view.description);
    w.down(20);
  }
  w.text('Description', { color: MUTED, size: 9 });
  w.text('Qty', { x: 400, color: MUTED, size: 9 });
  w.text('Amount', { alignRight: true, color: MUTED, size: 9 });
  w.rule();
  w.down(22);
  for (const line of view.lines) {
    w.text(line.description.slice(0, 70));
    w.text(String(line.quantity), { x: 400 });
    w.text(line.amount, { alignRight: true });
    w.rule();
    w.down(22);
  }
  const totals: [string, string, boolean][] = [
    ['Subtotal', view.subtotal, false],
    ['Total', view.total, true],
    ...(view.status === 'paid' ? ([['Amount paid', view.amountPaid, false]] as [string, string, boolean][]) : []),
    ['Amount due', view.amountDue, true],
  ];
  for (const [label, value, bold] of totals) {
    w.text(label, { x: 320, bold });
    w.text(value, { alignRight: true, bold });
    w.down(16);
  }
  if (view.paymentMethod) {
    w.down(12);
    w.text(`Payment: ${view.paymentMethod}`, { color: MUTED });
  }
  if (view.footer) {
    w.down(24);
    w.text(view.footer, { color: MUTED, size: 9 });
  }
  return pdf.save();
}
