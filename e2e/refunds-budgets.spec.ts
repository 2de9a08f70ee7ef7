import { expect, test } from "@playwright/test";
import { expectAccessible, openBilling, serverActionDone } from "./support/billing-page";
import { closeTestDb, getTotalBalance, makeApiKey, makeStripeOrg } from "./support/factories";
import { E2E } from "./support/config";
import { signIn } from "./support/session";

/** #14 in the browser: an owner refunds an unused Top Up Now from the history; a per-API-key daily budget and its use. */
test.afterAll(closeTestDb);
test.describe.configure({ timeout: 90_000 });

test("owner tops up, then refunds it from the history: the row says Refunded and the credits are removed", async ({ page }) => {
  const { org, owner } = await makeStripeOrg("Refund Top Up", { plan: "free", card: "pm_card_visa", planCredits: 80 });
  await openBilling(page, owner.email, org.slug);
  await page.getByRole("button", { name: "Top Up Now" }).click();
  await page.getByRole("dialog", { name: "Top up now" }).getByRole("button", { name: "Charge $28.00" }).click();
  await expect(page.getByText("Credits topped up successfully.")).toBeVisible();
  await expect.poll(() => getTotalBalance(org.id), { timeout: 20_000 }).toBe(180);
  await page.reload();
  await expect(page.getByTestId("total-balance")).toHaveText("180");

  const history = page.getByRole("table", { name: "Recharges and purchases" });
  await history.getByRole("button", { name: "Refund $28.00" }).click();
  const dialog = page.getByRole("dialog", { name: "Refund this top-up?" });
  await expect(dialog).toContainText("100 credits will be removed from your balance and $28.00 returned");
  await expectAccessible(page);
  const done = serverActionDone(page);
  await dialog.getByRole("button", { name: "Refund $28.00" }).click();
  await done;
  await expect(page.getByText(/Top-up refunded/)).toBeVisible();
  await expect(history).toContainText("Refunded");
  await expect(history.getByRole("button", { name: /Refund/ })).toHaveCount(0);
  expect(await getTotalBalance(org.id)).toBe(80);
  await page.reload();
  await expect(page.getByTestId("total-balance")).toHaveText("80");
  await expect(page.getByRole("table", { name: "Recharges and purchases" })).toContainText("Refunded");
});

test("editor sees Refund disabled with the reason", async ({ page }) => {
  const { org, owner, editor } = await makeStripeOrg("Refund Editor", { plan: "free", card: "pm_card_visa", planCredits: 80 });
  await openBilling(page, owner.email, org.slug);
  await page.getByRole("button", { name: "Top Up Now" }).click();
  await page.getByRole("dialog", { name: "Top up now" }).getByRole("button", { name: "Charge $28.00" }).click();
  await expect(page.getByText("Credits topped up successfully.")).toBeVisible();
  await page.context().clearCookies();
  await openBilling(page, editor.email, org.slug);
  const refund = page.getByRole("table", { name: "Recharges and purchases" }).getByRole("button", { name: "Refund" });
  await expect(refund).toBeDisabled();
  await expect(refund).toHaveAccessibleDescription("Only the organization owner can refund top-ups.");
});

test("owner sets a daily budget on an API key and sees use against it; the editor sees it read-only", async ({ page, request }) => {
  const { org, owner, editor } = await makeStripeOrg("Key Budget", { plan: "free", planCredits: 100 });
  const key = await makeApiKey(org.id);
  await signIn(page, owner.email);
  await page.goto(`/${org.slug}/settings/api-keys`);
  const form = page.getByRole("form", { name: "Budget for e2e" });
  await form.getByLabel("Budget (credits)").fill("50");
  await form.getByRole("combobox").first().selectOption("day"); // "per"
  await form.getByRole("button", { name: "Set budget" }).click();
  await expect(page.getByText("Budget saved.")).toBeVisible();
  await expect(page.getByTestId("key-budget")).toContainText("0 of 50 credits used this day");

  const res = await request.post(`${E2E.appUrl}/api/v1/usage`, {
    headers: { authorization: `Bearer ${key}` },
    data: { quantity: 20, idempotency_key: "e2e-budget-1" },
  });
  expect(res.status()).toBe(200);
  await page.reload();
  await expect(page.getByTestId("key-budget")).toContainText("20 of 50 credits used this day");

  await page.context().clearCookies();
  await signIn(page, editor.email);
  await page.goto(`/${org.slug}/settings/api-keys`);
  await expect(page.getByTestId("key-budget")).toContainText("20 of 50 credits used this day");
  await expect(page.getByRole("form", { name: "Budget for e2e" })).toHaveCount(0);
  await expect(page.getByText("Only the organization owner can create or revoke API keys and change their budgets.")).toBeVisible();
});
