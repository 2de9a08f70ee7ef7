import { copyFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, openBilling, snap } from "./support/billing-page";
import { E2E } from "./support/config";
import { closeTestDb, getTotalBalance, makeApiKey, makeStripeOrg } from "./support/factories";
import { signIn } from "./support/session";

/**
 * An invoice for every purchase path (#13): the owner saves billing details, then buys through Checkout, Top Up
 * Now and auto-recharge; each history row's "Invoice" link opens Stripe's hosted invoice (with those details)
 * in a new tab, and its PDF link answers application/pdf. The editor sees the details read-only.
 */
test.afterAll(closeTestDb);
test.describe.configure({ timeout: 120_000 });

async function fillCard(page: Page, number: string) {
  await page.getByLabel("Card number").fill(number);
  await page.getByLabel("Expiration").fill("12 / 34");
  await page.getByLabel("CVC").fill("123");
}

test("each purchase path's history row opens its hosted invoice and PDF; billing details are on it", async ({ page, context, request, browser }, testInfo) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  const { org, owner, editor } = await makeStripeOrg("Invoice Paths", { plan: "starter", card: "pm_card_visa", planCredits: 0 });
  await expect.poll(() => getTotalBalance(org.id), { timeout: 20_000 }).toBe(2000);
  await openBilling(page, owner.email, org.slug);

  // Billing details: a bad tax ID is refused next to its field, then the corrected form is saved
  const details = page.locator("#billing-details");
  await details.getByLabel("Legal name").fill("Invoice Paths GmbH");
  await details.getByLabel("Address line 1").fill("Torstraße 1");
  await details.getByLabel("City").fill("Berlin");
  await details.getByLabel("Postal code").fill("10119");
  await details.getByLabel("Country").fill("DE");
  await details.getByLabel("Tax ID type").selectOption("eu_vat");
  await details.getByLabel("Tax ID", { exact: true }).fill("123");
  await details.getByRole("button", { name: "Save billing details" }).click();
  await expect(page.locator("#bd-tax-id-value-error")).toContainText("does not look like a EU VAT number");
  await details.getByLabel("Tax ID", { exact: true }).fill("DE123456789");
  await page.keyboard.press("Tab");
  await expect(page.locator("#bd-tax-id-value-error")).toHaveCount(0); // re-validated on blur: the button has moved up
  await details.getByRole("button", { name: "Save billing details" }).click();
  await expect(page.getByText("Billing details saved. New invoices will show them.")).toBeVisible();

  // 1. Buy Credits (hosted Checkout, invoice_creation)
  await page.getByRole("button", { name: "Buy Credits" }).click();
  await page.getByRole("dialog", { name: "Buy credits" }).getByRole("button", { name: "Continue to checkout" }).click();
  await fillCard(page, "4242 4242 4242 4242");
  await page.getByRole("button", { name: "Pay" }).click();
  await expect(page).toHaveURL(/checkout=success/);
  await expect.poll(() => getTotalBalance(org.id), { timeout: 20_000 }).toBe(3000);

  // 2. Top Up Now (off-session PaymentIntent, invoiced out of band)
  await page.getByRole("button", { name: "Top Up Now" }).click();
  await page
    .getByRole("dialog", { name: "Top up now" })
    .getByRole("button", { name: /^Charge/ })
    .click();
  await expect(page.getByText("Credits topped up successfully.")).toBeVisible();

  // 3. auto-recharge, after usage crosses the threshold
  await page.getByRole("switch", { name: "Enable auto-recharge" }).click();
  await page.getByLabel("When balance falls below").fill("3500");
  await page.getByLabel("Recharge amount").fill("1");
  await page.getByRole("checkbox", { name: /I authorize these automatic charges/ }).check();
  await page.getByRole("button", { name: "Save and authorize" }).click();
  await expect(page.getByText("Auto-recharge settings updated.")).toBeVisible();
  const key = await makeApiKey(org.id);
  expect(
    (
      await request.post(`${E2E.appUrl}/api/v1/usage`, { headers: { authorization: `Bearer ${key}` }, data: { quantity: 600, idempotency_key: "inv-1" } })
    ).status(),
  ).toBe(200);
  await expect.poll(() => getTotalBalance(org.id), { timeout: 20_000 }).toBe(3000 + 1000 - 600 + 1000);

  await page.reload();
  const table = page.getByRole("table", { name: "Recharges and purchases" });
  await expect(table.getByTestId("invoice-link")).toHaveCount(3);
  for (const kind of ["Auto-recharge", "Top Up Now", "Buy Credits"]) {
    const row = table.getByTestId("payment-row").filter({ hasText: kind });
    // the link is stable; it shows the receipt until the invoice job has run, then the invoice
    await expect(async () => {
      const [tab] = await Promise.all([context.waitForEvent("page"), row.getByRole("link", { name: /^Invoice for the/ }).click()]);
      try {
        await tab.waitForLoadState();
        expect(tab.url()).toMatch(/\/i\/in_/);
        await expect(tab.getByRole("heading", { name: /^Invoice /, level: 1 })).toBeVisible({ timeout: 2000 });
        await expect(tab.getByTestId("invoice-status")).toHaveText("Paid");
        await expect(tab.getByTestId("bill-to")).toContainText("Invoice Paths GmbH");
        await expect(tab.getByTestId("bill-to")).toContainText("Torstraße 1");
        await expect(tab.getByTestId("tax-ids")).toContainText("EU VAT DE123456789");
        const pdfUrl = await tab.getByTestId("invoice-pdf").getAttribute("href");
        const pdf = await request.get(pdfUrl!);
        expect(pdf.headers()["content-type"]).toBe("application/pdf");
        expect((await pdf.body()).subarray(0, 5).toString()).toBe("%PDF-");
        if (kind === "Top Up Now") {
          await tab.setViewportSize({ width: 1280, height: 900 });
          await snap(tab, testInfo, "hosted-invoice");
        }
      } finally {
        await tab.close();
      }
    }).toPass({ timeout: 30_000 });
  }
  await page.locator("#payments").scrollIntoViewIfNeeded();
  await snap(page, testInfo, "billing-invoices-owner");
  await expectAccessible(page);

  // the editor: the same links, the details read-only with the reason
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const ep = await ctx.newPage();
  await signIn(ep, editor.email);
  await ep.goto(`/${org.slug}/settings/billing`);
  await expect(ep.getByText("Only the organization owner can change the billing details.")).toBeVisible();
  await expect(ep.locator("#billing-details").getByLabel("Legal name")).toBeDisabled();
  await expect(ep.locator("#billing-details").getByLabel("Legal name")).toHaveValue("Invoice Paths GmbH");
  await expect(ep.getByRole("button", { name: "Save billing details" })).toHaveCount(0);
  await expect(ep.getByRole("table", { name: "Recharges and purchases" }).getByTestId("invoice-link")).toHaveCount(3);
  await ctx.close();

  if (process.env.SAVE_SCREENSHOTS === "1") {
    copyFileSync(testInfo.outputPath("hosted-invoice.png"), "docs/screenshots/hosted-invoice.png");
    copyFileSync(testInfo.outputPath("billing-invoices-owner.png"), "docs/screenshots/billing-invoices-owner.png");
  }
});
