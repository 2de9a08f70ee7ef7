import { expect, test } from "@playwright/test";
import { E2E } from "./support/config";
import { signIn } from "./support/session";

// The only spec that changes the seeded Acme org: other specs create orgs of their own.
test.describe.configure({ mode: "serial" });

test("a signed-out visit to the Billing page redirects to sign-in", async ({ page }) => {
  await page.goto("/acme/settings/billing");
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Facme%2Fsettings%2Fbilling/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
});

test("a wrong password is refused with a clear message", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill("owner@acme.test");
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Invalid email or password." })).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in/);
});

test("the owner signs in and sees the seeded credits", async ({ page }) => {
  await signIn(page, "owner@acme.test");
  await expect(page).toHaveURL(/\/acme\/settings\/billing$/);
  await expect(page.getByTestId("total-balance")).toHaveText("7,233");
  await expect(page.getByTestId("plan-credits")).toContainText("2,000");
  await expect(page.getByTestId("plan-credits")).toContainText("of 2,000 left");
  await expect(page.getByTestId("topup-credits")).toHaveText("5,233");
  await expect(page.getByText("Never expire")).toBeVisible();
  await expect(page.getByRole("table", { name: "Ledger entries" })).toContainText("Plan credits granted");
});

test("the editor sees the same page with no control that changes anything", async ({ page }) => {
  await signIn(page, "editor@acme.test");
  await expect(page.getByTestId("total-balance")).toHaveText("7,233");
  await expect(page.getByTestId("signed-in-as")).toContainText("editor");
  const main = page.getByRole("main");
  // The one thing an editor may do on the Billing page is ask the owners for a top-up (issue 6).
  const enabledButtons = main.locator("button:not([disabled])");
  await expect(enabledButtons).toHaveText(["Ask an owner to top up"]);
  await page.goto("/acme/settings/api-keys");
  await expect(page.getByText("Only the organization owner can create or revoke API keys and change their budgets.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Create API key" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /Revoke/ })).toHaveCount(0);
  await expect(page.getByRole("list", { name: "API keys" })).toContainText("Demo key (all scopes)");
});

test("the owner of Globex gets 404 for Acme's page and API keys", async ({ page }) => {
  await signIn(page, "owner@globex.test");
  await expect(page).toHaveURL(/\/globex\/settings\/billing$/);
  const res = await page.goto("/acme/settings/billing");
  expect(res?.status()).toBe(404);
  const keys = await page.goto("/acme/settings/api-keys");
  expect(keys?.status()).toBe(404);
});

test("an API key created in the UI debits through POST /api/v1/usage and the page shows the new balance", async ({ page, request }) => {
  await signIn(page, "owner@acme.test");
  await page.getByRole("link", { name: "API keys" }).click();
  await page.getByLabel("Key name").fill("E2E usage key");
  await page.getByRole("button", { name: "Create API key" }).click();
  const secret = (await page.getByTestId("new-api-key").textContent())!.trim();
  expect(secret).toMatch(/^rfk_/);

  const res = await request.post(`${E2E.appUrl}/api/v1/usage`, {
    headers: { authorization: `Bearer ${secret}` },
    data: { quantity: 33, idempotency_key: "e2e-ui-key-1" },
  });
  expect(res.status()).toBe(200);
  expect((await res.json()).balance).toEqual({ plan_credits: 1967, topup_credits: 5233, total: 7200, held: 0, grace: 0, overdraft: 0, available: 7200 });

  await page.getByRole("link", { name: "Billing" }).click();
  await expect(page.getByTestId("total-balance")).toHaveText("7,200");
  await expect(page.getByRole("table", { name: "Ledger entries" })).toContainText("Usage");

  // Revoking the key in the UI makes it useless at once.
  await page.getByRole("link", { name: "API keys" }).click();
  page.once("dialog", (d) => void d.accept());
  await page.getByRole("button", { name: "Revoke E2E usage key" }).click();
  await expect(page.getByRole("list", { name: "API keys" })).toContainText("Revoked");
  const after = await request.post(`${E2E.appUrl}/api/v1/usage`, { headers: { authorization: `Bearer ${secret}` }, data: { quantity: 1 } });
  expect(after.status()).toBe(401);
});
