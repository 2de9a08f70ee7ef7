import { expect, test } from "@playwright/test";
import { createDb, type DbHandle } from "../db/client";
import { E2E } from "./support/config";
import { closeTestDb, customerOf, makePageState, makeStripeOrg } from "./support/factories";
import { signIn } from "./support/session";

/**
 * Agencies: the agency owner sees its sub-accounts (balance, usage this month, auto-recharge) and saves a monthly
 * auto allocation with the live estimate and its card confirmed; the month is bought and credited to the
 * sub-account. The agency's editor sees the page read-only.
 */
let handle: DbHandle | undefined;
test.afterAll(async () => {
  await handle?.close();
  await closeTestDb();
});
test.describe.configure({ timeout: 90_000 });

test("agency owner sees sub-accounts and saves an allocation with the estimate; the editor reads only", async ({ page, browser }) => {
  const agency = await makeStripeOrg("Agency Co", { plan: "free", card: "pm_card_visa" });
  const sub = await makePageState("Dental Sub", { plan: "starter", used: 120 });
  handle = createDb(E2E.databaseUrl, { max: 1 });
  const { linkSubAccount } = await import("../lib/agencies/sub-accounts");
  await linkSubAccount(handle.db, { agencyId: agency.org.id, subAccountId: sub.org.id });

  await signIn(page, agency.owner.email);
  await page.goto(`/${agency.org.slug}/settings/billing`);
  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Sub-accounts" }).click();
  await expect(page.getByRole("heading", { name: "Sub-accounts", level: 1 })).toBeVisible();
  const row = page.getByTestId(`sub-account-${sub.org.slug}`);
  // Starter: 2,000 plan credits, 120 used this month
  await expect(row).toContainText("Balance 1,880 credits · used this month 120 credits");
  await expect(row).toContainText("Auto-recharge off");
  await expect(row).toContainText("No auto allocation");

  await row.getByRole("button", { name: "Manage auto allocation" }).click();
  const dialog = page.getByRole("dialog", { name: "Auto allocation for Dental Sub" });
  await dialog.getByLabel("Basic minutes / month").fill("100");
  await dialog.getByLabel("Premium minutes / month").fill("50");
  // Starter: 100 × 5 + 50 × 8 = 900 credits at $20.00 per 1,000
  await expect(dialog.getByTestId("allocation-estimate")).toContainText("Estimated monthly charge: $18.00 (900 credits at current rates)");
  await expect(dialog.getByTestId("allocation-estimate")).toContainText("Final billing occurs at runtime");
  const save = dialog.getByRole("button", { name: "Save allocation" });
  await expect(save).toBeDisabled();
  await dialog.getByLabel(/Charge the agency's Visa •••• 4242 every month/).check();
  await save.click();
  await expect(page.getByText("Auto allocation saved for Dental Sub.")).toBeVisible();

  // the month is bought on the agency's card and credited to the sub-account once
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId(`allocation-${sub.org.slug}`)).toContainText(/100 Basic \+ 50 Premium minutes \/ month · \d{4}-\d{2}: succeeded/, {
      timeout: 1000,
    });
  }).toPass({ timeout: 20_000 });
  await expect(row).toContainText("Balance 2,780 credits");

  const editorPage = await (await browser.newContext()).newPage();
  await signIn(editorPage, agency.editor.email);
  await editorPage.goto(`/${agency.org.slug}/settings/sub-accounts`);
  await expect(editorPage.getByText("Only the agency's owner can manage auto allocations.")).toBeVisible();
  await expect(editorPage.getByTestId(`sub-account-${sub.org.slug}`)).toContainText("100 Basic + 50 Premium minutes / month");
  await expect(editorPage.getByRole("button", { name: "Manage auto allocation" })).toHaveCount(0);
});

test("a declined allocation month: the owner sees why and retries; a new card retries it once; the editor reads only", async ({ page, browser }) => {
  const agency = await makeStripeOrg("Declining Agency", { plan: "free", card: "pm_card_chargeCustomerFail" });
  const sub = await makePageState("Clinic Sub", { plan: "starter", used: 0 });
  handle ??= createDb(E2E.databaseUrl, { max: 1 });
  const { linkSubAccount } = await import("../lib/agencies/sub-accounts");
  await linkSubAccount(handle.db, { agencyId: agency.org.id, subAccountId: sub.org.id });

  await signIn(page, agency.owner.email);
  await page.goto(`/${agency.org.slug}/settings/sub-accounts`);
  const row = page.getByTestId(`sub-account-${sub.org.slug}`);
  await row.getByRole("button", { name: "Manage auto allocation" }).click();
  const dialog = page.getByRole("dialog", { name: "Auto allocation for Clinic Sub" });
  await dialog.getByLabel("Basic minutes / month").fill("100");
  await dialog.getByLabel(/Charge the agency's .* every month/).check();
  await dialog.getByRole("button", { name: "Save allocation" }).click();
  await expect(page.getByText("Auto allocation saved for Clinic Sub.")).toBeVisible();

  // the card declines: the row says so, nothing is credited, the owner may retry
  const declined = page.getByTestId(`allocation-declined-${sub.org.slug}`);
  await expect(async () => {
    await page.reload();
    await expect(declined).toContainText("declined; nothing was credited", { timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await expect(row).toContainText("Balance 2,000 credits");
  await page.screenshot({ path: "test-results/agency-allocation-declined.png", fullPage: true });
  await row.getByRole("button", { name: "Retry now" }).click();
  await expect(page.getByText("Retrying this month's allocation now.")).toBeVisible();

  const editorPage = await (await browser.newContext()).newPage();
  await signIn(editorPage, agency.editor.email);
  await editorPage.goto(`/${agency.org.slug}/settings/sub-accounts`);
  await expect(editorPage.getByTestId(`allocation-declined-${sub.org.slug}`)).toContainText("Only the agency's owner can retry it.");
  await expect(editorPage.getByRole("button", { name: "Retry now" })).toHaveCount(0);

  // a good card replaces the declining one: the month is retried once by itself and credited to the sub-account
  await expect(async () => {
    await page.reload();
    await expect(declined).toBeVisible({ timeout: 1000 }); // the retry on the same card declined too
  }).toPass({ timeout: 20_000 });
  // as the Billing Portal does it: at Stripe only; the app learns of the new card from the customer.updated webhook
  const { getStripe } = await import("../lib/stripe/client");
  const customerId = await customerOf(agency.org.id);
  const pm = await getStripe().paymentMethods.attach("pm_card_visa", { customer: customerId });
  await getStripe().customers.update(customerId, { invoice_settings: { default_payment_method: pm.id } });
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId(`allocation-${sub.org.slug}`)).toContainText(/\d{4}-\d{2}: succeeded/, { timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await expect(row).toContainText("Balance 2,500 credits"); // 100 Basic × 5 credits
  await expect(declined).toHaveCount(0);
});
