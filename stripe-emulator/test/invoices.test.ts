import { PDFDocument } from 'pdf-lib';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, stripeError, type TestContext } from './helpers.js';

let t: TestContext;
beforeAll(async () => {
  t = await startTestEmulator();
});
afterAll(async () => t.running.close());

async function eventTypesFor(objectId: string): Promise<string[]> {
  const events = (await t.stripe.events.list({ limit: 100 })).data.reverse();
  return events.filter((e) => (e.data.object as { id?: string }).id === objectId).map((e) => e.type);
}

async function billedCustomer(): Promise<Stripe.Customer> {
  return t.stripe.customers.create({
    name: 'Acme Voice GmbH',
    email: 'finance@acme.test',
    address: { line1: 'Torstraße 1', line2: 'Hinterhaus', city: 'Berlin', postal_code: '10119', country: 'DE' },
    tax_id_data: [{ type: 'eu_vat', value: 'DE 123456789' }],
  });
}

describe('one-off invoices', () => {
  it('invoice item → invoice (pending included) → finalize → paid out of band, with the events Stripe sends', async () => {
    const customer = await billedCustomer();
    const item = await t.stripe.invoiceItems.create({ customer: customer.id, amount: 2000, currency: 'usd', description: '1,000 credits', metadata: { attempt_id: 'att_1' } });
    expect(item).toMatchObject({
      object: 'invoiceitem',
      amount: 2000,
      currency: 'usd',
      invoice: null,
      quantity: 1,
      description: '1,000 credits',
      metadata: { attempt_id: 'att_1' },
    });
    const draft = await t.stripe.invoices.create({
      customer: customer.id,
      collection_method: 'charge_automatically',
      auto_advance: false,
      pending_invoice_items_behavior: 'include',
      metadata: { payment_intent: 'pi_1', attempt_id: 'att_1' },
    });
    expect(draft).toMatchObject({
      status: 'draft',
      number: null,
      hosted_invoice_url: null,
      invoice_pdf: null,
      total: 2000,
      amount_due: 2000,
      billing_reason: 'manual',
      auto_advance: false,
    });
    expect(draft.lines.data[0]).toMatchObject({
      amount: 2000,
      description: '1,000 credits',
      parent: { type: 'invoice_item_details', invoice_item_details: { invoice_item: item.id } },
    });
    expect((await t.stripe.invoiceItems.retrieve(item.id)).invoice).toBe(draft.id);

    const open = await t.stripe.invoices.finalizeInvoice(draft.id!);
    expect(open.status).toBe('open');
    expect(open.number).toMatch(new RegExp(`^${customer.invoice_prefix}-0001$`));
    expect(open.hosted_invoice_url).toBe(`${t.running.url.replace('127.0.0.1', 'localhost')}/i/${open.id}`);
    expect(open.invoice_pdf).toBe(`${open.hosted_invoice_url}/pdf`);
    expect(open).toMatchObject({
      customer_name: 'Acme Voice GmbH',
      customer_tax_ids: [{ type: 'eu_vat', value: 'DE123456789' }],
      customer_address: { city: 'Berlin', state: null },
    });
    await expect(t.stripe.invoices.finalizeInvoice(open.id!)).rejects.toMatchObject({ statusCode: 400 });

    const paid = await t.stripe.invoices.pay(open.id!, { paid_out_of_band: true });
    expect(paid).toMatchObject({ status: 'paid', amount_paid: 2000, amount_remaining: 0, payments: { data: [] } });
    expect(paid.status_transitions.paid_at).toBeGreaterThan(0);
    await expect(t.stripe.invoices.pay(open.id!, { paid_out_of_band: true })).rejects.toMatchObject({ statusCode: 400 });
    expect(await eventTypesFor(item.id)).toEqual(['invoiceitem.created']);
    expect(await eventTypesFor(open.id!)).toEqual(['invoice.created', 'invoice.finalized', 'invoice.paid']);
    const listed = await t.stripe.invoices.list({ customer: customer.id, status: 'paid' });
    expect(listed.data.map((i) => i.id)).toEqual([open.id]);
  });

  it('pending items are excluded by default; an item may be added to a draft with `invoice`; same key → same invoice', async () => {
    const customer = await t.stripe.customers.create({ name: 'Globex' });
    await t.stripe.invoiceItems.create({ customer: customer.id, amount: 500, currency: 'usd' });
    const key = `inv-${Date.now()}`;
    const draft = await t.stripe.invoices.create({ customer: customer.id }, { idempotencyKey: key });
    const again = await t.stripe.invoices.create({ customer: customer.id }, { idempotencyKey: key });
    expect(again.id).toBe(draft.id);
    expect(draft.total).toBe(0);
    await t.stripe.invoiceItems.create({ customer: customer.id, amount: 1500, currency: 'usd', invoice: draft.id, description: 'Top-up' });
    expect((await t.stripe.invoices.retrieve(draft.id!)).total).toBe(1500);
    expect((await t.stripe.invoiceItems.list({ customer: customer.id, pending: true })).data.map((i) => i.amount)).toEqual([500]);
    const paid = await t.stripe.invoices.pay(draft.id!, { paid_out_of_band: true });
    expect(paid).toMatchObject({ status: 'paid', total: 1500 });
    expect(paid.number).toBeTruthy();
    const error = await stripeError(t.stripe.invoiceItems.create({ customer: customer.id, amount: 1, currency: 'usd', invoice: draft.id }));
    expect(error).toMatchObject({ statusCode: 400, code: 'invoice_not_editable' });
    expect(await stripeError(t.stripe.invoiceItems.create({ customer: customer.id, amount: 1 } as Stripe.InvoiceItemCreateParams))).toMatchObject({
      code: 'parameter_missing',
      param: 'currency',
    });
  });

  it('hosted invoice page and a real PDF: number, date, customer, address, tax ID, lines, total, paid', async () => {
    const customer = await billedCustomer();
    const draft = await t.stripe.invoices.create({ customer: customer.id });
    await t.stripe.invoiceItems.create({ customer: customer.id, amount: 4000, currency: 'usd', invoice: draft.id, description: '2,000 credits' });
    const paid = await t.stripe.invoices.pay(draft.id!, { paid_out_of_band: true });
    const html = await (await fetch(paid.hosted_invoice_url!.replace('localhost', '127.0.0.1'))).text();
    for (const text of [`Invoice ${paid.number}`, 'Acme Voice GmbH', 'Torstraße 1', 'Berlin, 10119', 'EU VAT DE123456789', '2,000 credits', '$40.00', 'Paid']) {
      expect(html).toContain(text);
    }
    const response = await fetch(paid.invoice_pdf!.replace('localhost', '127.0.0.1'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(Buffer.from(bytes.slice(0, 5)).toString()).toBe('%PDF-');
    const pdf = await PDFDocument.load(bytes);
    expect(pdf.getPageCount()).toBe(1);
    expect(pdf.getTitle()).toBe(`Invoice ${paid.number}`);
    expect((await fetch(`${t.running.url}/i/in_missing`)).status).toBe(404);
  });
});

describe('customer tax IDs, name and address', () => {
  it('create / list / retrieve / delete; format checked; expand tax_ids; events', async () => {
    const customer = await t.stripe.customers.create({ email: 'x@test.dev' });
    const updated = await t.stripe.customers.update(customer.id, { name: 'Initech Ltd', address: { line1: '1 High St', city: 'London', postal_code: 'EC1A 1BB', country: 'GB' } });
    expect(updated.address).toEqual({ line1: '1 High St', line2: null, city: 'London', postal_code: 'EC1A 1BB', state: null, country: 'GB' });
    const taxId = await t.stripe.customers.createTaxId(customer.id, { type: 'gb_vat', value: 'GB123456789' });
    expect(taxId).toMatchObject({ object: 'tax_id', type: 'gb_vat', value: 'GB123456789', country: 'GB', customer: customer.id, verification: { status: 'pending' } });
    expect(await stripeError(t.stripe.customers.createTaxId(customer.id, { type: 'eu_vat', value: 'nope' }))).toMatchObject({
      statusCode: 400,
      code: 'tax_id_invalid',
      param: 'value',
    });
    expect(await stripeError(t.stripe.customers.createTaxId(customer.id, { type: 'us_ein', value: '123' }))).toMatchObject({ code: 'tax_id_invalid' });
    expect((await t.stripe.customers.listTaxIds(customer.id)).data.map((x) => x.id)).toEqual([taxId.id]);
    expect((await t.stripe.customers.retrieveTaxId(customer.id, taxId.id)).value).toBe('GB123456789');
    const expanded = await t.stripe.customers.retrieve(customer.id, { expand: ['tax_ids'] });
    expect((expanded as Stripe.Customer).tax_ids?.data.map((x) => x.id)).toEqual([taxId.id]);
    expect('tax_ids' in (await t.stripe.customers.retrieve(customer.id))).toBe(false);
    expect(await t.stripe.customers.deleteTaxId(customer.id, taxId.id)).toEqual({ id: taxId.id, object: 'tax_id', deleted: true });
    expect((await t.stripe.customers.listTaxIds(customer.id)).data).toEqual([]);
    expect(await eventTypesFor(taxId.id)).toEqual(['customer.tax_id.created', 'customer.tax_id.deleted']);
  });

  it('a bad tax_id_data on create creates nothing', async () => {
    const before = (await t.stripe.customers.list({ limit: 100 })).data.length;
    const error = await stripeError(t.stripe.customers.create({ name: 'Bad', tax_id_data: [{ type: 'au_abn', value: '12' }] }));
    expect(error).toMatchObject({ statusCode: 400, code: 'tax_id_invalid', param: 'tax_id_data[0][value]' });
    expect((await t.stripe.customers.list({ limit: 100 })).data.length).toBe(before);
  });

  it('an invoice keeps the details it was finalized with', async () => {
    const customer = await billedCustomer();
    const invoice = await t.stripe.invoices.create({ customer: customer.id });
    await t.stripe.invoiceItems.create({ customer: customer.id, amount: 100, currency: 'usd', invoice: invoice.id });
    const paid = await t.stripe.invoices.pay(invoice.id!, { paid_out_of_band: true });
    await t.stripe.customers.update(customer.id, { name: 'Renamed' });
    expect((await t.stripe.invoices.retrieve(paid.id!)).customer_name).toBe('Acme Voice GmbH');
  });
});

describe('Checkout invoice_creation and charge receipts', () => {
  it('a paid payment-mode session with invoice_creation has a paid invoice for its line items', async () => {
    const customer = await billedCustomer();
    const session = await t.stripe.checkout.sessions.create({
      mode: 'payment',
      customer: customer.id,
      success_url: 'https://app.test/ok',
      line_items: [{ quantity: 2, price_data: { currency: 'usd', unit_amount: 2000, product_data: { name: '1,000 credits' } } }],
      invoice_creation: { enabled: true, invoice_data: { description: 'Refill credits', metadata: { org_id: 'org_1' }, footer: 'Thanks' } },
    });
    expect(session.invoice_creation).toMatchObject({ enabled: true, invoice_data: { description: 'Refill credits', metadata: { org_id: 'org_1' } } });
    expect(session.invoice).toBeNull();
    await t.admin('POST', `checkout_sessions/${session.id}/complete`, { card_number: '4242424242424242' });
    const done = await t.stripe.checkout.sessions.retrieve(session.id, { expand: ['invoice'] });
    const invoice = done.invoice as Stripe.Invoice;
    expect(invoice).toMatchObject({
      status: 'paid',
      total: 4000,
      amount_paid: 4000,
      customer: customer.id,
      metadata: { org_id: 'org_1' },
      description: 'Refill credits',
      footer: 'Thanks',
    });
    expect(invoice.lines.data[0]).toMatchObject({ amount: 4000, quantity: 2, description: '1,000 credits' });
    expect(invoice.payments?.data[0]).toMatchObject({ status: 'paid', payment: { type: 'payment_intent', payment_intent: done.payment_intent } });
    expect(await eventTypesFor(invoice.id!)).toEqual(['invoice.created', 'invoice.finalized', 'invoice.paid', 'invoice.payment_succeeded']);
    const completed = (await t.stripe.events.list({ type: 'checkout.session.completed', limit: 1 })).data[0]!;
    expect((completed.data.object as Stripe.Checkout.Session).invoice).toBe(invoice.id);
    const html = await (await fetch(invoice.hosted_invoice_url!.replace('localhost', '127.0.0.1'))).text();
    expect(html).toContain('VISA •••• 4242');
  });

  it('without invoice_creation there is no invoice; not allowed outside payment mode; a guest gets a customer', async () => {
    const plain = await t.stripe.checkout.sessions.create({
      mode: 'payment',
      success_url: 'https://app.test/ok',
      line_items: [{ quantity: 1, price_data: { currency: 'usd', unit_amount: 700, product_data: { name: 'x' } } }],
    });
    expect(plain.invoice_creation).toMatchObject({ enabled: false });
    await t.admin('POST', `checkout_sessions/${plain.id}/complete`, { card_number: '4242424242424242' });
    expect((await t.stripe.checkout.sessions.retrieve(plain.id)).invoice).toBeNull();
    const error = await stripeError(t.stripe.checkout.sessions.create({ mode: 'setup', currency: 'usd', success_url: 'https://app.test/ok', invoice_creation: { enabled: true } }));
    expect(error).toMatchObject({ statusCode: 400, param: 'invoice_creation' });
    const guest = await t.stripe.checkout.sessions.create({
      mode: 'payment',
      success_url: 'https://app.test/ok',
      line_items: [{ quantity: 1, price_data: { currency: 'usd', unit_amount: 900, product_data: { name: 'y' } } }],
      invoice_creation: { enabled: true },
    });
    await t.admin('POST', `checkout_sessions/${guest.id}/complete`, { card_number: '4242424242424242', email: 'guest@test.dev' });
    const done = await t.stripe.checkout.sessions.retrieve(guest.id, { expand: ['invoice'] });
    expect(done.customer).toMatch(/^cus_/);
    expect((done.invoice as Stripe.Invoice).customer_email).toBe('guest@test.dev');
  });

  it('a succeeded charge has a receipt_url that shows its receipt', async () => {
    const customer = await t.stripe.customers.create({ payment_method: 'pm_card_visa' });
    const pm = (await t.stripe.paymentMethods.list({ customer: customer.id })).data[0]!;
    const paymentIntent = await t.stripe.paymentIntents.create({
      amount: 1234,
      currency: 'usd',
      customer: customer.id,
      payment_method: pm.id,
      off_session: true,
      confirm: true,
      description: 'Auto-recharge',
    });
    const charge = await t.stripe.charges.retrieve(paymentIntent.latest_charge as string);
    expect(charge.receipt_url).toBe(`${t.running.url.replace('127.0.0.1', 'localhost')}/receipts/${charge.id}`);
    const html = await (await fetch(`${t.running.url}/receipts/${charge.id}`)).text();
    expect(html).toContain('$12.34');
    expect(html).toContain('Auto-recharge');
  });
});
