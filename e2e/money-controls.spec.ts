import { expect, test } from "@playwright/test";
import { E2E } from "./support/config";
import { expectAccessible, openBilling, serverActionDone, snap } from "./support/billing-page";
import { closeTestDb, getAutoRechargeRow, getTotalBalance, makeApiKey, makeStripeOrg, swapCard } from "./support/factories";

/** #14 in the browser: consent before automatic charges, recharge to a target, a backup card, back-off on declines. */
test.afterAll(closeTestDb);

const authorize = (page: import("@playwright/test").Page) => page.getByRole("checkbox", { name: /I authorize these automatic charges/ });

test("enabling shows exactly what may be charged and needs the owner's checkbox; target mode with its rule and preview", async ({ page }, testInfo) => {
  const { org, owner } = await makeStripeOrg("Consent Target", { plan: "starter", card: "pm_card_visa", planCredits: 0 });
  await expect.poll(() => getTotalBalance(org.id), { timeout: 20_000 }).toBe(2000);
  await openBilling(page, owner.email, org.slug);
  await expect(page.getByTestId("consent")).toHaveCount(0); // nothing to authorize while off
  await page.getByRole("switch", { name: "Enable auto-recharge" }).click();
  await page.getByLabel("When balance falls below").fill("2500");
  await page.getByLabel("Topping up to a target balance").check();
  await page.getByLabel("Recharge to").fill("2000");
  await page.getByLabel("Max recharges per month").fill("5");
  await page.getByRole("button", { name: "Save and authorize" }).click();
  await expect(page.locator("#recharge-to-error")).toHaveText(
    "Recharge to must be above the threshold (2,500 credits): each recharge brings the balance back above it",
  );
  await page.getByLabel("Recharge to").fill("5000");
  // the pre-save preview: the charge these settings would make now (2,000 → at least 5,000: 3 packs)
  await expect(page.getByTestId("recharge-preview")).toHaveText("Saving charges $60.00 now for 3,000 credits: balance 2,000 → 5,000.");
  await expect(page.getByTestId("consent-text")).toHaveText(
    "Up to 5 charges of at most $100.00 each = $500.00 a month on Visa •••• 4242, charged automatically when the balance falls below 2,500 credits to bring it back to 5,000 credits.",
  );
  await page.getByRole("button", { name: "Save and authorize" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Check the box to authorize these charges" })).toBeVisible();
  await page.getByLabel("When balance falls below").fill("1500"); // no charge now: the form a reader can screenshot
  await expect(page.getByTestId("recharge-preview")).toContainText("No charge now");
  await authorize(page).check();
  await page.locator("#auto-recharge").screenshot({ path: "docs/screenshots/auto-recharge-consent-target.png" });
  await snap(page, testInfo, "consent-target");
  await expectAccessible(page);
  const done = serverActionDone(page);
  await page.getByRole("button", { name: "Save and authorize" }).click();
  await done;
  await expect(page.getByText("Auto-recharge settings updated.")).toBeVisible();
  expect(await getAutoRechargeRow(org.id)).toMatchObject({ enabled: true, threshold: 1500, rechargeTo: 5000, maxRechargesPerMonth: 5 });
  await expect(page.getByTestId("next-recharge")).toContainText("back up to at least 5,000 credits");
  // lowering needs no new consent
  await page.getByLabel("Max recharges per month").fill("4");
  await expect(page.getByTestId("consent")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Save auto-recharge settings" })).toBeVisible();
});

test("a backup card: chosen among the saved cards; a declined default card is retried on it and the credits land once", async ({ page, request }) => {
  const { org, owner } = await makeStripeOrg("Backup Card", { plan: "starter", card: "pm_card_visa", planCredits: 0 });
  await expect.poll(() => getTotalBalance(org.id), { timeout: 20_000 }).toBe(2000);
  await swapCard(org.id, "pm_card_chargeCustomerFail"); // the default now declines; Visa stays saved
  await openBilling(page, owner.email, org.slug);
  await expect(page.getByLabel("Backup card").locator("option", { hasText: "Visa •••• 4242" })).toHaveCount(1);
  await page.getByLabel("Backup card").selectOption({ index: 1 }); // the one other saved card: Visa •••• 4242
  await page.getByRole("button", { name: "Save backup card" }).click();
  await expect(page.getByText("Visa •••• 4242 is now the backup card.")).toBeVisible();
  await page.getByRole("switch", { name: "Enable auto-recharge" }).click();
  await page.getByLabel("When balance falls below").fill("1500");
  await expect(page.getByTestId("consent-text")).toContainText("(or the backup card Visa •••• 4242 if it is declined)");
  await authorize(page).check();
  await page.getByRole("button", { name: "Save and authorize" }).click();
  await expect(page.getByText("Auto-recharge settings updated.")).toBeVisible();
  const key = await makeApiKey(org.id);
  const res = await request.post(`${E2E.appUrl}/api/v1/usage`, {
    headers: { authorization: `Bearer ${key}` },
    data: { quantity: 600, idempotency_key: "e2e-backup-1" },
  });
  expect(res.status()).toBe(200);
  await expect.poll(() => getTotalBalance(org.id), { timeout: 20_000 }).toBe(1400 + 1000);
  await page.reload();
  await expect(page.getByTestId("auto-recharge-status")).toHaveText("Active");
  await expect(page.getByTestId("cap-usage-text")).toContainText("1 of 10 used this month");
});

test("a declined auto-recharge waits: the status and the banner say when the next try is, and Retry tries now", async ({ page, request }, testInfo) => {
  const { org, owner } = await makeStripeOrg("Back Off", { plan: "starter", card: "pm_card_visa", planCredits: 0 });
  await expect.poll(() => getTotalBalance(org.id), { timeout: 20_000 }).toBe(2000);
  await swapCard(org.id, "pm_card_chargeCustomerFail");
  await openBilling(page, owner.email, org.slug);
  await page.getByRole("switch", { name: "Enable auto-recharge" }).click();
  await page.getByLabel("When balance falls below").fill("1500");
  await authorize(page).check();
  await page.getByRole("button", { name: "Save and authorize" }).click();
  await expect(page.getByText("Auto-recharge settings updated.")).toBeVisible();
  const key = await makeApiKey(org.id);
  for (const [i, q] of [600, 1].entries()) {
    const res = await request.post(`${E2E.appUrl}/api/v1/usage`, {
      headers: { authorization: `Bearer ${key}` },
      data: { quantity: q, idempotency_key: `e2e-backoff-${i}` },
    });
    expect(res.status()).toBe(200); // the second debit does not retry the declined card
  }
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("auto-recharge-status")).toContainText("Retrying at");
  }).toPass({ timeout: 20_000 });
  await expect(page.getByTestId("auto-recharge-status-detail")).toContainText("The last auto-recharge was declined. The next try is at");
  await expect(page.getByText(/Auto-recharge tries again at/)).toBeVisible(); // the card-declined banner
  expect((await (await request.get(`${E2E.appUrl}/api/v1/billing/auto-topup`, { headers: { authorization: `Bearer ${key}` } })).json()).next_retry_at).toEqual(
    expect.any(String),
  );
  await snap(page, testInfo, "backing-off");
  const done = serverActionDone(page);
  await page.getByRole("button", { name: "Retry now" }).click();
  await done;
  await expect(page.getByText("Retrying the recharge now.")).toBeVisible();
  await expect(page.getByRole("table", { name: "Recharges and purchases" }).getByText("Failed")).toHaveCount(2, { timeout: 20_000 });
});
