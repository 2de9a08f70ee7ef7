import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getHistory } from "@/app/api/v1/billing/auto-topup/history/route";
import { GET as getDetails, PUT as putDetails } from "@/app/api/v1/billing/details/route";
import { getDbHandle } from "@/db/client";
import { createApiKey } from "@/lib/api-keys/manage-api-keys";
import { billingDetailsSchema, toBillingDetails } from "@/lib/billing/billing-details";
import { invoiceLinkTarget } from "@/lib/invoices/invoice-link";
import { runJob } from "@/lib/jobs/handlers";
import { debitCredits } from "@/lib/ledger";
import { maybeTriggerRecharge } from "@/lib/recharge/trigger";
import { topUpNow } from "@/lib/recharge/top-up-now";
import { saveBillingDetails } from "@/lib/stripe/billing-details";
import { createBuyCreditsCheckout } from "@/lib/stripe/checkout";
import { getStripeCustomer } from "@/lib/stripe/customers";
import { makeBillingOrg } from "../support/billing-factories";
import { eventually, startBillingHarness, type BillingHarness } from "../support/billing-harness";
import { createTestDb, type TestDb } from "../support/test-db";

let t: TestDb;
let h: BillingHarness;
let stripe: Stripe;
beforeAll(async () => {
  t = await createTestDb();
  process.env.DATABASE_URL = t.url; // the API routes use the app's pool
  h = await startBillingHarness(t.db);
  const u = new URL(h.emu.url);
  stripe = new Stripe("sk_test_invoices", { host: u.hostname, port: Number(u.port), protocol: "http" });
});
afterAll(async () => {
  await h?.stop();
  await getDbHandle().close();
  await t?.drop();
});

const ACME = {
  legalName: "Acme Voice GmbH",
  line1: "Torstraße 1",
  line2: "Hinterhaus",
  city: "Berlin",
  postalCode: "10119",
  country: "DE",
  taxIdType: "eu_vat",
  taxIdValue: "DE123456789",
};
const invoiceRow = async (purchaseId: string) => (await t.sql`SELECT * FROM purchase_invoices WHERE purchase_id = ${purchaseId}`)[0];
const invoicesAtStripe = async (orgId: string) => {
  const customer = (await getStripeCustomer(t.db, orgId))!.customerId;
  return (await stripe.invoices.list({ customer, limit: 100 })).data.filter((i) => i.billing_reason === "manual");
};

async function billedOrg(opts: Parameters<typeof makeBillingOrg>[1] = {}) {
  const made = await makeBillingOrg(t.db, opts);
  const r = await saveBillingDetails(t.db, { orgId: made.org.id, userId: made.owner.id, details: toBillingDetails(billingDetailsSchema.parse(ACME)) });
  expect(r.ok).toBe(true);
  return made;
}

/** The details an invoice was finalized with, as Stripe and its hosted page show them. */
async function expectBillingDetailsOn(invoice: Stripe.Invoice) {
  expect(invoice).toMatchObject({
    customer_name: "Acme Voice GmbH",
    customer_address: { line1: "Torstraße 1", line2: "Hinterhaus", city: "Berlin", postal_code: "10119", country: "DE" },
    customer_tax_ids: [{ type: "eu_vat", value: "DE123456789" }],
  });
  const html = await (await fetch(invoice.hosted_invoice_url!)).text();
  for (const text of ["Acme Voice GmbH", "Torstraße 1", "EU VAT DE123456789", "Paid"]) expect(html).toContain(text);
  const pdf = await fetch(invoice.invoice_pdf!);
  expect(pdf.headers.get("content-type")).toBe("application/pdf");
}

describe("an invoice for every off-session purchase", () => {
  it("Top Up Now: one paid-out-of-band invoice for exactly the amount, with the billing details; re-runs create nothing", async () => {
    const { org } = await billedOrg({ planId: "free" });
    const r = await topUpNow(t.db, { orgId: org.id, userId: null, packs: 2 });
    expect(r).toMatchObject({ ok: true, status: "succeeded" });
    const [attempt] = await t.sql`SELECT id, payment_intent_id, amount_cents FROM recharge_attempts WHERE org_id = ${org.id}`;
    // queued in the settlement transaction, handed off after it
    expect(h.jobs.filter((j) => j.name === "invoice.issue" && j.data.purchaseId === attempt!.id)).toEqual([
      { name: "invoice.issue", data: { purchaseId: attempt!.id }, tx: true },
    ]);
    const row = await invoiceRow(attempt!.id);
    expect(row).toMatchObject({ status: "issued", source: "recharge", payment_intent_id: attempt!.payment_intent_id });
    const invoices = await invoicesAtStripe(org.id);
    expect(invoices).toHaveLength(1);
    const invoice = invoices[0]!;
    expect(invoice).toMatchObject({
      id: row!.invoice_id,
      status: "paid",
      total: 5600,
      amount_paid: 5600,
      metadata: { payment_intent: attempt!.payment_intent_id, attempt_id: attempt!.id },
    });
    expect(invoice.lines.data).toMatchObject([{ amount: 5600, description: "200 credits (Top Up Now)" }]);
    expect(invoice.payments?.data ?? []).toEqual([]); // paid out of band: the PaymentIntent already moved the money
    expect(row).toMatchObject({ hosted_invoice_url: invoice.hosted_invoice_url, invoice_pdf_url: invoice.invoice_pdf, invoice_number: invoice.number });
    await expectBillingDetailsOn(invoice);

    // the durable job runs again (duplicate delivery), and again after a crash left the row half-done
    expect(await runJob(t.db, "invoice.issue", { purchaseId: attempt!.id })).toMatchObject({ result: "already issued" });
    await t.sql`UPDATE purchase_invoices SET status = 'pending', hosted_invoice_url = NULL WHERE purchase_id = ${attempt!.id}`;
    expect(await runJob(t.db, "invoice.issue", { purchaseId: attempt!.id })).toMatchObject({ result: "issued", invoiceId: invoice.id });
    await t.sql`UPDATE purchase_invoices SET status = 'pending', invoice_id = NULL WHERE purchase_id = ${attempt!.id}`;
    expect(await runJob(t.db, "invoice.issue", { purchaseId: attempt!.id })).toMatchObject({ result: "issued", invoiceId: invoice.id });
    expect(await invoicesAtStripe(org.id)).toHaveLength(1);
  });

  it("auto-recharge: the recharge gets its invoice; the success email links the stable invoice URL, which redirects to it", async () => {
    const { org } = await billedOrg({ autoRecharge: { threshold: 1000, packs: 1 } });
    const balance = (await t.sql`SELECT plan_credits + topup_credits AS total FROM credit_balances WHERE org_id = ${org.id}`)[0]!.total as number;
    await debitCredits(t.db, org.id, [{ quantity: balance - 10 }]);
    expect((await maybeTriggerRecharge(t.db, org.id)).created).toBe(true);
    const [attempt] = await eventually(async () => {
      const rows = await t.sql`SELECT id, status, amount_cents FROM recharge_attempts WHERE org_id = ${org.id} AND status = 'succeeded'`;
      return rows.length ? rows : null;
    });
    const row = await eventually(async () => ((await invoiceRow(attempt!.id))?.status === "issued" ? invoiceRow(attempt!.id) : null));
    const invoice = await stripe.invoices.retrieve(row!.invoice_id);
    expect(invoice).toMatchObject({ status: "paid", total: attempt!.amount_cents, lines: { data: [{ description: "1,000 credits (Auto-recharge)" }] } });
    await expectBillingDetailsOn(invoice);
    const [mail] = await t.sql`SELECT text FROM outgoing_emails WHERE org_id = ${org.id} AND kind = 'recharge_succeeded'`;
    expect(mail!.text).toContain(`View invoice: http://app.test/${org.slug}/settings/billing/invoices/${attempt!.id}`);
    expect(await invoiceLinkTarget(t.db, org.id, attempt!.id)).toBe(invoice.hosted_invoice_url);
    expect(await invoiceLinkTarget(t.db, "00000000-0000-4000-8000-000000000000", attempt!.id)).toBeNull(); // another org's purchase
    expect(await invoicesAtStripe(org.id)).toHaveLength(1);
  });

  it("until the invoice exists the link falls back to the charge's receipt", async () => {
    const { org } = await billedOrg({ planId: "free" });
    h.queue = "manual";
    try {
      await topUpNow(t.db, { orgId: org.id, userId: null, packs: 1 });
      const pending = h.jobs.filter((j) => j.name === "recharge.charge").at(-1)!;
      await runJob(t.db, "recharge.charge", pending.data);
      const [attempt] = await t.sql`SELECT id, status, payment_intent_id FROM recharge_attempts WHERE org_id = ${org.id}`;
      expect(attempt!.status).toBe("succeeded");
      expect(await invoiceRow(attempt!.id)).toMatchObject({ status: "pending", invoice_id: null });
      const receipt = await invoiceLinkTarget(t.db, org.id, attempt!.id);
      expect(receipt).toMatch(/\/receipts\/ch_/);
      expect(await (await fetch(receipt!)).text()).toContain("$28.00");
      await runJob(t.db, "invoice.issue", { purchaseId: attempt!.id });
      expect(await invoiceLinkTarget(t.db, org.id, attempt!.id)).toMatch(/\/i\/in_/);
    } finally {
      h.queue = "inline";
    }
  });
});

describe("Buy Credits (Checkout invoice_creation)", () => {
  it("the paid session's Stripe invoice is recorded once, for the session's amount, with the billing details", async () => {
    const { org } = await billedOrg({});
    const urls = { successUrl: "http://app.test/ok", cancelUrl: "http://app.test/cancel" };
    const checkout = await createBuyCreditsCheckout(t.db, { orgId: org.id, userId: null, packs: 3, ...urls });
    await h.emu.admin("POST", `checkout_sessions/${checkout.id}/complete`, { card_number: "4242424242424242" });
    const row = await eventually(async () => ((await invoiceRow(checkout.id))?.status === "issued" ? invoiceRow(checkout.id) : null));
    const invoice = await stripe.invoices.retrieve(row!.invoice_id);
    expect(invoice).toMatchObject({ status: "paid", total: 6000, amount_paid: 6000, metadata: { org_id: org.id, kind: "buy_credits" } });
    expect(row!.receipt_url).toMatch(/\/receipts\/ch_/);
    await expectBillingDetailsOn(invoice);
    await h.emu.webhooksIdle();
    expect(await runJob(t.db, "invoice.issue", { purchaseId: checkout.id })).toMatchObject({ result: "already issued" });
    expect(await invoicesAtStripe(org.id)).toHaveLength(1);
    expect(await invoiceLinkTarget(t.db, org.id, checkout.id)).toBe(invoice.hosted_invoice_url);
  });
});

describe("REST: history invoice_url and billing details", () => {
  const call = (handler: (r: Request) => Promise<Response>, key: string, method: string, path: string, body?: unknown) =>
    handler(
      new Request(`http://app.test/api/v1/billing${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );

  it("each charge of the history carries invoice_url, invoice_pdf and receipt_url", async () => {
    const { org } = await billedOrg({ planId: "free" });
    const key = (await createApiKey(t.db, org.id, null, { name: "ro", scopes: ["billing:read"] })).secret;
    await topUpNow(t.db, { orgId: org.id, userId: null, packs: 1 });
    const body = await (await call(getHistory, key, "GET", "/auto-topup/history")).json();
    const row = (await t.sql`SELECT * FROM purchase_invoices WHERE org_id = ${org.id}`)[0]!;
    expect(body.charges).toMatchObject([
      { status: "succeeded", invoice_url: row.hosted_invoice_url, invoice_pdf: row.invoice_pdf_url, receipt_url: row.receipt_url },
    ]);
    expect(body.charges[0].invoice_url).toMatch(/\/i\/in_/);
  });

  it("PUT /details: bad input → 422 by field and nothing written (here or at Stripe); good input → pushed and mirrored", async () => {
    const { org } = await makeBillingOrg(t.db, { planId: "free" });
    const key = (await createApiKey(t.db, org.id, null, { name: "rw", scopes: ["billing:read", "billing:write"] })).secret;
    const customerId = (await getStripeCustomer(t.db, org.id))!.customerId;
    const before = await stripe.customers.retrieve(customerId);
    const good = {
      legal_name: "Initech Ltd",
      address: { line1: "1 High St", city: "London", postal_code: "EC1A 1BB", country: "gb" },
      tax_id: { type: "gb_vat", value: "GB123456789" },
    };
    for (const bad of [
      { ...good, tax_id: { type: "gb_vat", value: "123" } },
      { ...good, address: { ...good.address, country: "GBR" } },
      { ...good, legal_name: "" },
      { ...good, tax_id: { type: "xx_nope", value: "1" } },
    ]) {
      const res = await call(putDetails, key, "PUT", "/details", bad);
      expect(res.status).toBe(422);
      expect((await res.json()).error).toMatchObject({ code: "invalid_request", fields: expect.any(Object) });
    }
    expect(await t.sql`SELECT * FROM billing_details WHERE org_id = ${org.id}`).toEqual([]);
    expect(await stripe.customers.retrieve(customerId)).toMatchObject({ name: (before as Stripe.Customer).name, address: null });
    expect((await stripe.customers.listTaxIds(customerId)).data).toEqual([]);
    expect(
      (await call(putDetails, (await createApiKey(t.db, org.id, null, { name: "ro", scopes: ["billing:read"] })).secret, "PUT", "/details", good)).status,
    ).toBe(403);

    const ok = await call(putDetails, key, "PUT", "/details", good);
    expect(ok.status).toBe(200);
    const saved = {
      legal_name: "Initech Ltd",
      address: { line1: "1 High St", line2: null, city: "London", postal_code: "EC1A 1BB", state: null, country: "GB" },
      tax_id: { type: "gb_vat", value: "GB123456789" },
    };
    expect(await ok.json()).toEqual({ billing_details: saved });
    expect(await (await call(getDetails, key, "GET", "/details")).json()).toEqual({ billing_details: saved });
    expect(await stripe.customers.retrieve(customerId)).toMatchObject({ name: "Initech Ltd", address: { city: "London", country: "GB" } });
    expect((await stripe.customers.listTaxIds(customerId)).data.map((x) => x.value)).toEqual(["GB123456789"]);
    // a new tax ID replaces the old one at Stripe; none removes it
    await call(putDetails, key, "PUT", "/details", { ...good, tax_id: { type: "eu_vat", value: "IE1234567T" } });
    expect((await stripe.customers.listTaxIds(customerId)).data.map((x) => x.value)).toEqual(["IE1234567T"]);
    await call(putDetails, key, "PUT", "/details", { ...good, tax_id: null });
    expect((await stripe.customers.listTaxIds(customerId)).data).toEqual([]);
  });
});
