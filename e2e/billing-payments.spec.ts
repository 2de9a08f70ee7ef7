import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, openBilling, serverActionDone, snap } from "./support/billing-page";
import { addIncident, closeTestDb, getTotalBalance, makeApiKey, makeStripeOrg, swapCard } from "./support/factories";
import { E2E } from "./support/config";
import { webhooksIdle } from "./support/webhooks";

/**
 * Money moving for real through the stripe-emulator: hosted Checkout (setup and payment mode), Top Up Now
 * off-session, a declining card, and auto-recharge landing after usage crosses the threshold.
 */
test.afterAll(closeTestDb);
test.describe.configure({ timeout: 90_000 });

async function fillCard(page: Page, number: string) {
  await page.getByLabel("Card number").fill(number);
  await page.getByLabel("Expiration").fill("12 / 34");
  await page.getByLabel("CVC").fill("123");
}

async function expectBalance(page: Page, orgId: string, total: number) {
  await expect.poll(() => getTotalBalance(orgId), { timeout: 20_000 }).toBe(total);
  await page.reload();
  await expect(page.getByTestId("total-balance")).toHaveText(total.toLocaleString("en-US"));
}

test("owner adds a card through hosted Checkout (setup mode) and sees it on the Billing page", async ({ page }, testInfo) => {
  const { org, owner } = await makeStripeOrg("Add Card", { plan: "free" });
  await openBilling(page, owner.email, org.slug);
  await expect(page.getByTestId("payment-method")).toContainText("No payment method");
  await page.getByRole("button", { name: "Add card" }).click();
  await expect(page.getByRole("heading", { name: "Set up your card" })).toBeVisible();
  await fillCard(page, "4242 4242 4242 4242");
  await page.getByRole("button", { name: "Save card" }).click();
  await expect(page).toHaveURL(new RegExp(`/${org.slug}/settings/billing\\?setup=success`));
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("payment-method")).toContainText("•••• 4242", { timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await expect(page.getByTestId("payment-method")).toContainText("Expires 12/2034");
  await expect(page.getByRole("button", { name: "Update card" })).toBeVisible();
  await snap(page, testInfo, "card-added");
});

test("owner buys 3 packs through hosted Checkout and the balance rises by exactly 3 packs", async ({ page }, testInfo) => {
  const { org, owner } = await makeStripeOrg("Buy Packs", { plan: "free", planCredits: 60 });
  await openBilling(page, owner.email, org.slug);
  await page.getByRole("button", { name: "Buy Credits" }).click();
  const dialog = page.getByRole("dialog", { name: "Buy credits" });
  await dialog.getByLabel("Number of packs").fill("3");
  await expect(dialog.getByTestId("buy-total")).toHaveText("$84.00");
  await dialog.getByRole("button", { name: "Continue to checkout" }).click();
  await expect(page.getByTestId("total")).toHaveText("$84.00");
  await fillCard(page, "4242 4242 4242 4242");
  await page.getByRole("button", { name: "Pay" }).click();
  await expect(page).toHaveURL(/checkout=success/);
  await expect(page.getByTestId("checkout-return")).toContainText("Payment received");
  await expectBalance(page, org.id, 60 + 300);
  await expect(page.getByTestId("checkout-return")).toContainText("your credits were added");
  await expect(page.getByRole("table", { name: "Recharges and purchases" })).toContainText("Buy Credits");
  await snap(page, testInfo, "bought-3-packs");
});

test("a card declined in hosted Checkout shows the decline message and grants nothing", async ({ page }) => {
  const { org, owner } = await makeStripeOrg("Checkout Decline", { plan: "free", planCredits: 60 });
  await openBilling(page, owner.email, org.slug);
  await page.getByRole("button", { name: "Buy Credits" }).click();
  await page.getByRole("dialog", { name: "Buy credits" }).getByRole("button", { name: "Continue to checkout" }).click();
  await fillCard(page, "4000 0000 0000 0002");
  await page.getByRole("button", { name: "Pay" }).click();
  await expect(page.getByText(/declined/i).first()).toBeVisible();
  await webhooksIdle(); // every webhook the decline caused has been handled: none granted credits
  expect(await getTotalBalance(org.id)).toBe(60);
});

test("Top Up Now charges the saved card off-session: toast, exact balance, history row", async ({ page }, testInfo) => {
  const { org, owner } = await makeStripeOrg("Top Up Now", { plan: "free", card: "pm_card_visa", planCredits: 80 });
  await openBilling(page, owner.email, org.slug);
  await page.getByRole("button", { name: "Top Up Now" }).click();
  const dialog = page.getByRole("dialog", { name: "Top up now" });
  await expect(dialog).toContainText("Visa •••• 4242");
  await dialog.getByLabel("Number of packs").fill("2");
  await dialog.getByRole("button", { name: "Charge $56.00" }).click();
  await expect(page.getByText("Credits topped up successfully.")).toBeVisible();
  await expectBalance(page, org.id, 280);
  await expect(page.getByRole("table", { name: "Recharges and purchases" })).toContainText("Top Up Now");
  await expect(page.getByRole("table", { name: "Recharges and purchases" })).toContainText("Succeeded");
  await snap(page, testInfo, "topped-up");
});

test("Top Up Now with a declining card shows the decline message and grants nothing", async ({ page }, testInfo) => {
  const { org, owner } = await makeStripeOrg("Top Up Decline", { plan: "free", card: "pm_card_chargeCustomerFail", planCredits: 80 });
  await openBilling(page, owner.email, org.slug);
  await page.getByRole("button", { name: "Top Up Now" }).click();
  const dialog = page.getByRole("dialog", { name: "Top up now" });
  await dialog.getByRole("button", { name: /^Charge/ }).click();
  await expect(dialog.getByRole("alert")).toContainText("Your card was declined");
  await snap(page, testInfo, "top-up-declined");
  await expectAccessible(page);
  await page.keyboard.press("Escape");
  expect(await getTotalBalance(org.id)).toBe(80);
  await page.reload();
  await expect(page.getByRole("table", { name: "Recharges and purchases" })).toContainText("Failed");
  await expect(page.getByRole("table", { name: "Recharges and purchases" })).toContainText("declined");
});

test("owner enables auto-recharge, usage crosses the threshold, the recharge lands and the counter moves", async ({ page, request }, testInfo) => {
  const { org, owner } = await makeStripeOrg("Auto Recharge Lands", { plan: "starter", card: "pm_card_visa", planCredits: 0 });
  // Plan credits arrive with the subscription's invoice.paid webhook.
  await expect.poll(() => getTotalBalance(org.id), { timeout: 20_000 }).toBe(2000);
  await openBilling(page, owner.email, org.slug);
  await page.getByRole("switch", { name: "Enable auto-recharge" }).click();
  await page.getByLabel("When balance falls below").fill("1500");
  await page.getByLabel("Recharge amount").fill("1");
  await page.getByRole("checkbox", { name: /I authorize these automatic charges/ }).check();
  await page.getByRole("button", { name: "Save and authorize" }).click();
  await expect(page.getByText("Auto-recharge settings updated.")).toBeVisible();
  await expect(page.getByTestId("cap-usage-text")).toContainText("0 of 10 used this month");

  const key = await makeApiKey(org.id);
  const res = await request.post(`${E2E.appUrl}/api/v1/usage`, {
    headers: { authorization: `Bearer ${key}` },
    data: { quantity: 600, idempotency_key: "e2e-auto-1" },
  });
  expect(res.status()).toBe(200);
  await expectBalance(page, org.id, 1400 + 1000);
  await expect(page.getByTestId("cap-usage-text")).toContainText("1 of 10 used this month");
  await expect(page.getByTestId("last-recharged")).not.toHaveText("Never");
  await expect(page.getByRole("table", { name: "Recharges and purchases" })).toContainText("Auto-recharge");
  await snap(page, testInfo, "auto-recharge-landed");
});

test("auto-recharge with a declining card: its banner shows, dismiss hides that incident only, the editor sees it read-only", async ({
  page,
  browser,
  request,
}, testInfo) => {
  const { org, owner, editor } = await makeStripeOrg("Auto Recharge Declined", { plan: "starter", card: "pm_card_visa", planCredits: 0 });
  await expect.poll(() => getTotalBalance(org.id), { timeout: 20_000 }).toBe(2000);
  await swapCard(org.id, "pm_card_chargeCustomerFail");
  await addIncident(org.id, "internal_error", "An internal error occurred");
  await openBilling(page, owner.email, org.slug);
  await page.getByRole("switch", { name: "Enable auto-recharge" }).click();
  await page.getByLabel("When balance falls below").fill("1500");
  await page.getByRole("checkbox", { name: /I authorize these automatic charges/ }).check();
  await page.getByRole("button", { name: "Save and authorize" }).click();
  await expect(page.getByText("Auto-recharge settings updated.")).toBeVisible();
  const key = await makeApiKey(org.id);
  const res = await request.post(`${E2E.appUrl}/api/v1/usage`, {
    headers: { authorization: `Bearer ${key}` },
    data: { quantity: 600, idempotency_key: "e2e-auto-decline-1" },
  });
  expect(res.status()).toBe(200);
  const banner = page.getByTestId("incident-card_declined");
  await expect(async () => {
    await page.reload();
    await expect(banner).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await expect(banner).toContainText("declined");
  await expect(banner.getByRole("link", { name: "Update payment method" })).toBeVisible();
  await expect(page.getByRole("table", { name: "Recharges and purchases" })).toContainText("Failed");
  expect(await getTotalBalance(org.id)).toBe(1400);
  await snap(page, testInfo, "auto-recharge-declined-owner");

  // The editor sees the same banners and values, read-only.
  const ctx = await browser.newContext({ baseURL: E2E.appUrl });
  const ep = await ctx.newPage();
  await openBilling(ep, editor.email, org.slug);
  await expect(ep.getByTestId("incident-card_declined")).toBeVisible();
  await expect(ep.getByTestId("incident-card_declined").getByRole("button", { name: /Dismiss/ })).toBeDisabled();
  await expect(ep.getByRole("switch", { name: "Enable auto-recharge" })).toBeDisabled();
  await expect(ep.getByText("Only the organization owner can manage auto-recharge.")).toBeVisible();
  await snap(ep, testInfo, "auto-recharge-declined-editor");
  await expectAccessible(ep);
  await ctx.close();

  // The owner dismisses the decline: the other incident stays.
  const dismissed = serverActionDone(page);
  await banner.getByRole("button", { name: /Dismiss/ }).click();
  await expect(banner).toHaveCount(0);
  await dismissed;
  await page.reload();
  await expect(page.getByTestId("incident-card_declined")).toHaveCount(0);
  await expect(page.getByTestId("incident-internal_error")).toBeVisible();
});

test("a Free owner upgrades to Pro through hosted Checkout and the page shows the plan and its credits", async ({ page }, testInfo) => {
  const { org, owner } = await makeStripeOrg("Upgrade Plan", { plan: "free", planCredits: 100 });
  await openBilling(page, owner.email, org.slug);
  await expect(page.getByTestId("auto-recharge-unavailable")).toBeVisible();
  await page.getByRole("button", { name: "Upgrade to Pro" }).click();
  await expect(page.getByRole("button", { name: "Subscribe" })).toBeVisible();
  await fillCard(page, "4242 4242 4242 4242");
  await page.getByRole("button", { name: "Subscribe" }).click();
  await expect(page).toHaveURL(/upgrade=success/);
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("plan-name")).toHaveText("Pro", { timeout: 1000 });
    await expect(page.getByTestId("plan-credits")).toContainText("of 10,000 left", { timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await expect(page.getByRole("switch", { name: "Enable auto-recharge" })).toBeEnabled();
  await expect(page.getByTestId("plan-renewal")).toContainText("Renews on");
  await snap(page, testInfo, "upgraded");
});

test("Top Up Now with a card that needs 3-D Secure: Complete verification, then the credits land", async ({ page }, testInfo) => {
  const { org, owner } = await makeStripeOrg("Top Up Verify", { plan: "free", card: "pm_card_authenticationRequired", planCredits: 50 });
  await openBilling(page, owner.email, org.slug);
  await page.getByRole("button", { name: "Top Up Now" }).click();
  await page
    .getByRole("dialog", { name: "Top up now" })
    .getByRole("button", { name: /^Charge/ })
    .click();
  // The app sends the owner to the verification page (emulator's 3-D Secure page).
  await page.getByRole("button", { name: "Complete authentication" }).click();
  await expect(page).toHaveURL(/verify=/);
  await expect(page.getByTestId("verify-return")).toContainText("Verification complete");
  await expectBalance(page, org.id, 150);
  await expect(page.getByRole("table", { name: "Recharges and purchases" })).toContainText("Succeeded");
  await snap(page, testInfo, "verified");
});

test("Manage plan opens the Billing Portal; cancelling there shows on the Billing page", async ({ page }, testInfo) => {
  const { org, owner } = await makeStripeOrg("Manage Plan", { plan: "starter", card: "pm_card_visa", planCredits: 0 });
  await expect.poll(() => getTotalBalance(org.id), { timeout: 20_000 }).toBe(2000);
  await openBilling(page, owner.email, org.slug);
  await page.getByRole("button", { name: "Manage plan" }).click();
  await expect(page.getByText("Billing portal")).toBeVisible();
  await page.getByRole("button", { name: "Cancel subscription" }).click();
  await page.getByRole("link", { name: "Return to merchant" }).click();
  await expect(page).toHaveURL(new RegExp(`/${org.slug}/settings/billing`));
  await expect(async () => {
    await page.reload();
    await expect(page.locator("#plan")).toContainText(/Cancels on|Free/, { timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await snap(page, testInfo, "after-portal-cancel");
});

test("saving below the threshold: confirm the warning and the immediate recharge lands", async ({ page }, testInfo) => {
  const { org, owner } = await makeStripeOrg("Immediate Recharge", { plan: "starter", card: "pm_card_visa", planCredits: 0 });
  await expect.poll(() => getTotalBalance(org.id), { timeout: 20_000 }).toBe(2000);
  await openBilling(page, owner.email, org.slug);
  await page.getByRole("switch", { name: "Enable auto-recharge" }).click();
  await page.getByLabel("When balance falls below").fill("2500");
  await page.getByRole("checkbox", { name: /I authorize these automatic charges/ }).check();
  await page.getByRole("button", { name: "Save and authorize" }).click();
  const dialog = page.getByRole("dialog", { name: "A recharge will be charged now" });
  await expect(dialog).toContainText("charges $20.00 now for 1,000 credits");
  await dialog.getByRole("button", { name: "Save and charge $20.00" }).click();
  await expect(page.getByText("Auto-recharge settings updated.")).toBeVisible();
  await expectBalance(page, org.id, 3000);
  await expect(page.getByTestId("cap-usage-text")).toContainText("1 of 10 used this month");
  await snap(page, testInfo, "immediate-recharge");
});
