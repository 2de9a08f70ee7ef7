import { chromium, type Browser, type Page } from '@playwright/test';
import type Stripe from 'stripe';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestContext } from './helpers.js';

let t: TestContext;
let browser: Browser;
let app: Server;
let appUrl: string;

beforeAll(async () => {
  t = await startTestEmulator();
  app = createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end(`<!doctype html><title>Merchant</title><h1>Merchant page</h1><p id="url">${request.url}</p>`);
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', () => resolve()));
  appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await t.running.close();
  await new Promise<void>((resolve) => app.close(() => resolve()));
});

async function fillCard(page: Page, number: string) {
  await page.getByLabel('Card number').fill(number);
  await page.getByLabel('Expiration').fill('12 / 34');
  await page.getByLabel('CVC').fill('123');
}

async function paymentSession(amount = 2000) {
  return t.stripe.checkout.sessions.create({
    mode: 'payment',
    success_url: `${appUrl}/success?session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${appUrl}/cancel`,
    line_items: [{ quantity: 1, price_data: { currency: 'usd', unit_amount: amount, product_data: { name: '1,000 credits' } } }],
  });
}

describe('hosted pages in Chromium', () => {
  it('completes a Checkout payment with 4242… and lands on success_url', async () => {
    const session = await paymentSession();
    const page = await browser.newPage();
    await page.goto(session.url!);
    await expect(page.getByText('$20.00').first().isVisible()).resolves.toBe(true);
    await page.getByLabel('Email').fill('buyer@test.dev');
    await fillCard(page, '4242 4242 4242 4242');
    await page.getByRole('button', { name: 'Pay' }).click();
    await page.waitForURL(`${appUrl}/success?session_id=${session.id}`);
    const done = await t.stripe.checkout.sessions.retrieve(session.id);
    expect(done).toMatchObject({ status: 'complete', payment_status: 'paid' });
    expect(done.customer_details?.email).toBe('buyer@test.dev');
    const events = await t.stripe.events.list({ type: 'checkout.session.completed' });
    const completed = events.data.find((e) => (e.data.object as Stripe.Checkout.Session).id === session.id);
    expect((completed?.data.object as Stripe.Checkout.Session).payment_status).toBe('paid');
    await page.close();
  });

  it('shows the decline message and keeps the session open; Cancel goes to cancel_url', async () => {
    const session = await paymentSession();
    const page = await browser.newPage();
    await page.goto(session.url!);
    await fillCard(page, '4000000000000002');
    await page.getByRole('button', { name: 'Pay' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toBe('Your card was declined.');
    expect((await t.stripe.checkout.sessions.retrieve(session.id)).status).toBe('open');
    await page.getByRole('link', { name: 'Cancel' }).click();
    await page.waitForURL(`${appUrl}/cancel`);
    await page.close();
  });

  it('completes a 3-D Secure challenge', async () => {
    const session = await paymentSession(3000);
    const page = await browser.newPage();
    await page.goto(session.url!);
    await fillCard(page, '4000 0027 6000 3184');
    await page.getByRole('button', { name: 'Pay' }).click();
    await page.getByRole('button', { name: 'Complete authentication' }).click();
    await page.waitForURL(`${appUrl}/success?session_id=${session.id}`);
    const done = await t.stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent'] });
    expect(done.status).toBe('complete');
    expect((done.payment_intent as Stripe.PaymentIntent).status).toBe('succeeded');
    await page.close();
  });

  it('fails a 3-D Secure challenge: back on Checkout with the error, PaymentIntent requires_payment_method', async () => {
    const session = await paymentSession(3000);
    const page = await browser.newPage();
    await page.goto(session.url!);
    await fillCard(page, '4000000000003220');
    await page.getByRole('button', { name: 'Pay' }).click();
    await page.getByRole('button', { name: 'Fail authentication' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('unable to authenticate');
    const open = await t.stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent'] });
    expect(open.status).toBe('open');
    const paymentIntent = open.payment_intent as Stripe.PaymentIntent;
    expect(paymentIntent.status).toBe('requires_payment_method');
    expect(paymentIntent.last_payment_error?.code).toBe('payment_intent_authentication_failure');
    await page.close();
  });

  it('3-D Secure page returns to return_url with payment_intent, client secret and redirect_status', async () => {
    const paymentIntent = await t.stripe.paymentIntents.create({
      amount: 1200,
      currency: 'usd',
      payment_method: 'pm_card_threeDSecure2Required',
      confirm: true,
      return_url: `${appUrl}/return`,
    });
    const page = await browser.newPage();
    await page.goto(paymentIntent.next_action!.redirect_to_url!.url!);
    await page.getByRole('button', { name: 'Complete authentication' }).click();
    await page.waitForURL((url) => url.pathname === '/return');
    const params = new URL(page.url()).searchParams;
    expect(params.get('payment_intent')).toBe(paymentIntent.id);
    expect(params.get('payment_intent_client_secret')).toBe(paymentIntent.client_secret);
    expect(params.get('redirect_status')).toBe('succeeded');
    expect((await t.stripe.paymentIntents.retrieve(paymentIntent.id)).status).toBe('succeeded');
    await page.close();
  });

  it('updates the card in the Billing Portal (with 3-D Secure) and makes it the default', async () => {
    const customer = await t.stripe.customers.create({ email: 'portal@test.dev', name: 'Portal Org' });
    const old = await t.stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    await t.stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: old.id } });
    const portal = await t.stripe.billingPortal.sessions.create({
      customer: customer.id,
      return_url: `${appUrl}/billing`,
      flow_data: { type: 'payment_method_update', after_completion: { type: 'redirect', redirect: { return_url: `${appUrl}/billing?updated=1` } } },
    });
    const page = await browser.newPage();
    await page.goto(portal.url);
    await fillCard(page, '4000002500003155');
    await page.getByRole('button', { name: 'Add card' }).click();
    await page.getByRole('button', { name: 'Complete authentication' }).click();
    await page.waitForURL(`${appUrl}/billing?updated=1`);
    const updated = (await t.stripe.customers.retrieve(customer.id)) as Stripe.Customer;
    const newDefault = updated.invoice_settings.default_payment_method as string;
    expect(newDefault).not.toBe(old.id);
    expect((await t.stripe.paymentMethods.retrieve(newDefault)).card?.last4).toBe('3155');
    const events = await t.stripe.events.list({ type: 'customer.updated' });
    const change = events.data.find(
      (e) => (e.data.object as Stripe.Customer).id === customer.id && (e.data.object as Stripe.Customer).invoice_settings.default_payment_method === newDefault,
    );
    expect(change?.data.previous_attributes).toEqual({ invoice_settings: { default_payment_method: old.id } });
    // portal home: default marked, remove the old card, return link
    const home = await t.stripe.billingPortal.sessions.create({ customer: customer.id, return_url: `${appUrl}/billing` });
    await page.goto(home.url);
    await expect(page.locator(`[data-payment-method="${newDefault}"]`).textContent()).resolves.toContain('Default');
    await page.getByRole('button', { name: 'Remove Visa •••• 4242' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toContain('removed');
    expect((await t.stripe.paymentMethods.retrieve(old.id)).customer).toBeNull();
    await page.getByRole('link', { name: 'Return to merchant' }).click();
    await page.waitForURL(`${appUrl}/billing`);
    await page.close();
  });
});
