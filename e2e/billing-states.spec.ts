import { expect, test } from "@playwright/test";
import { expectAccessible, main, openBilling, snap } from "./support/billing-page";
import { closeTestDb, listOrgEmails, makePageState } from "./support/factories";

/**
 * The state matrix of the Billing page: role × plan × auto-recharge status × balance. Each test builds its
 * own org in exactly one state, asserts what the page shows and allows, attaches a screenshot and runs axe.
 */
// Each test builds its own org: the file's tests may run on both workers (it is the suite's longest file).
test.describe.configure({ mode: "parallel" });
test.afterAll(closeTestDb);

const DECLINED = "Your card was declined: insufficient funds. Add funds to the card or update your payment method.";
const DISABLED = "Auto-recharge was disabled after multiple failed payment attempts. Please update your payment method and re-enable.";

test("owner · Free · auto-reload not available · healthy balance", async ({ page }, testInfo) => {
  const { org, owner } = await makePageState("Free Healthy", { plan: "free", planCredits: 80 });
  await openBilling(page, owner.email, org.slug);
  await expect(page.getByTestId("plan-name")).toHaveText("Free");
  await expect(page.getByTestId("total-balance")).toHaveText("80");
  await expect(page.getByTestId("plan-credits")).toContainText("of 100 left");
  await expect(page.getByTestId("auto-recharge-unavailable")).toHaveText("Auto-reload not available on Free plan");
  await expect(main(page).getByRole("link", { name: "Upgrade plan →" })).toBeVisible();
  await expect(page.getByRole("switch")).toHaveCount(0);
  await expect(page.getByTestId("payment-method")).toContainText("No payment method");
  await expect(page.getByRole("button", { name: "Add card" })).toBeEnabled();
  await expect(page.getByRole("button", { name: "Upgrade to Starter" })).toBeEnabled();
  await expect(page.getByRole("button", { name: "Upgrade to Pro" })).toBeEnabled();
  await expect(page.getByTestId("upgrade-pro-terms")).toHaveText("$99.00/month · 10,000 credits a month · extra $15.00 per 1,000 credits");
  await expect(page.getByTestId("zero-balance-banner")).toHaveCount(0);
  // Buy Credits dialog: rate for Free, total for 3 packs.
  await page.getByRole("button", { name: "Buy Credits" }).click();
  const dialog = page.getByRole("dialog", { name: "Buy credits" });
  await expect(dialog.getByTestId("buy-rate")).toHaveText("$0.28 per credit");
  await dialog.getByLabel("Number of packs").fill("3");
  await expect(dialog.getByTestId("buy-credits")).toHaveText("300");
  await expect(dialog.getByTestId("buy-total")).toHaveText("$84.00");
  await dialog.getByLabel("Number of packs").fill("101");
  await dialog.getByRole("button", { name: "Continue to checkout" }).click();
  await expect(dialog.getByText("Choose at most 100 packs")).toBeVisible();
  await snap(page, testInfo, "owner-free-healthy-buy-dialog");
  await expectAccessible(page);
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  await snap(page, testInfo, "owner-free-healthy");
  await expectAccessible(page);
});

test("editor · Free · zero balance: usage refused banner, no controls, ask an owner", async ({ page }, testInfo) => {
  const { org, owner, editor } = await makePageState("Free Zero", { plan: "free", planCredits: 0 });
  await openBilling(page, editor.email, org.slug);
  await expect(page.getByTestId("total-balance")).toHaveText("0");
  await expect(page.getByTestId("zero-balance-banner")).toContainText("usage is being refused");
  await expect(page.getByTestId("zero-balance-banner")).toContainText("Ask an owner");
  await expect(page.getByRole("button", { name: "Buy Credits" })).toBeDisabled();
  await expect(page.getByText("Only the organization owner can buy credits.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Add card" })).toBeDisabled();
  for (const name of ["Upgrade to Starter", "Upgrade to Pro"]) {
    await expect(page.getByRole("button", { name })).toBeDisabled();
    await expect(page.getByRole("button", { name })).toHaveAccessibleDescription("Only the organization owner can manage the payment method and plan.");
  }
  await expect(page.getByTestId("auto-recharge-unavailable")).toBeVisible();
  await snap(page, testInfo, "editor-free-zero");
  await expectAccessible(page);
  await page.getByRole("button", { name: "Ask an owner to top up" }).click();
  await expect(page.getByRole("button", { name: "Request sent ✓" })).toBeDisabled();
  // The owners got an email naming who asked.
  await expect.poll(async () => (await listOrgEmails(org.id)).filter((m) => m.kind === "top_up_request").map((m) => m.to)).toEqual([owner.email]);
  const [mail] = await listOrgEmails(org.id);
  expect(mail!.subject).toContain(editor.email);
});

test("owner · Starter · off · healthy: the switch is enabled and unchecked", async ({ page }, testInfo) => {
  const { org, owner } = await makePageState("Starter Off", { plan: "starter", card: true, planCredits: 1500, topupCredits: 3000 });
  await openBilling(page, owner.email, org.slug);
  await expect(page.getByTestId("plan-name")).toHaveText("Starter");
  await expect(page.getByTestId("plan-price")).toContainText("$29.00 / month");
  await expect(page.getByTestId("plan-renewal")).toContainText("Renews on");
  await expect(page.getByTestId("total-balance")).toHaveText("4,500");
  await expect(page.getByTestId("auto-recharge-status")).toHaveText("Off");
  const sw = page.getByRole("switch", { name: "Enable auto-recharge" });
  await expect(sw).toBeEnabled();
  await expect(sw).not.toBeChecked();
  await expect(page.getByTestId("auto-recharge-rate")).toHaveText("$20.00 per 1,000 credits");
  await expect(page.getByTestId("cap-usage-text")).toContainText("0 of 10 used this month");
  await expect(page.getByTestId("last-recharged")).toHaveText("Never");
  await expect(page.getByTestId("payment-method")).toContainText("Visa •••• 4242");
  await expect(page.getByTestId("payment-method")).toContainText("Expires 12/2030");
  await expect(page.getByRole("button", { name: "Top Up Now" })).toBeEnabled();
  await expect(page.getByRole("button", { name: "Manage plan" })).toBeEnabled();
  await expect(page.getByTestId("period-usage")).toContainText("500 of 2,000 (25%)");
  await expect(page.getByTestId("runway")).toContainText("balance lasts about");
  await snap(page, testInfo, "owner-starter-off-healthy");
  await expectAccessible(page);
});

test("owner · Starter · active · low balance", async ({ page }, testInfo) => {
  const { org, owner } = await makePageState("Starter Active Low", {
    plan: "starter",
    card: true,
    planCredits: 120,
    autoRecharge: { enabled: true, threshold: 100, packs: 2, max: 10 },
    attempts: [{ status: "succeeded" }],
  });
  await openBilling(page, owner.email, org.slug);
  await expect(page.getByTestId("auto-recharge-status")).toHaveText("Active");
  await expect(page.getByRole("switch", { name: "Enable auto-recharge" })).toBeChecked();
  await expect(page.getByLabel("When balance falls below")).toHaveValue("100");
  await expect(page.getByTestId("recharge-amount-label")).toHaveText("= 2,000 credits for $40.00");
  await expect(page.getByTestId("cap-usage-text")).toContainText("1 of 10 used this month");
  await expect(page.getByTestId("last-recharged")).not.toHaveText("Never");
  await expect(page.getByRole("table", { name: "Recharges and purchases" })).toContainText("Auto-recharge");
  await snap(page, testInfo, "owner-starter-active-low");
  await expectAccessible(page);
});

test("owner · Starter · paused by the monthly cap · low", async ({ page }, testInfo) => {
  const { org, owner } = await makePageState("Starter Capped", {
    plan: "starter",
    card: true,
    planCredits: 50,
    autoRecharge: { enabled: true, threshold: 100, max: 3 },
    succeededAttempts: 3,
  });
  await openBilling(page, owner.email, org.slug);
  await expect(page.getByTestId("auto-recharge-status")).toContainText("Paused until");
  await expect(page.getByTestId("auto-recharge-status-detail")).toContainText(
    "You've reached your monthly auto-reload limit. Auto-reload is paused until next month",
  );
  await expect(page.getByTestId("cap-usage-text")).toContainText("3 of 3 used this month (100%)");
  await expect(page.getByTestId("cap-usage-bar")).toHaveAttribute("data-tone", "danger");
  await snap(page, testInfo, "owner-starter-capped-low");
  await expectAccessible(page);
});

test("owner · Starter · disabled after failed payments · zero balance", async ({ page }, testInfo) => {
  const { org, owner } = await makePageState("Starter Disabled", {
    plan: "starter",
    card: true,
    planCredits: 0,
    autoRecharge: { enabled: true, threshold: 100, disabledAfterFailures: true },
    attempts: [
      { status: "failed", failureCode: "card_declined", declineCode: "insufficient_funds", failureMessage: DECLINED },
      { status: "failed", failureCode: "card_declined", declineCode: "insufficient_funds", failureMessage: DECLINED },
      { status: "failed", failureCode: "card_declined", declineCode: "insufficient_funds", failureMessage: DECLINED },
    ],
    incidents: [
      { kind: "card_declined", message: DECLINED },
      { kind: "disabled_after_failures", message: DISABLED },
    ],
  });
  await openBilling(page, owner.email, org.slug);
  await expect(page.getByTestId("auto-recharge-status")).toHaveText("Disabled after failed payments");
  await expect(page.getByTestId("incident-card_declined")).toContainText(DECLINED);
  await expect(page.getByTestId("incident-card_declined").getByRole("link", { name: "Update payment method" })).toBeVisible();
  await expect(page.getByTestId("incident-disabled_after_failures")).toContainText(DISABLED);
  await expect(page.getByTestId("zero-balance-banner")).toBeVisible();
  await expect(page.getByRole("switch", { name: "Enable auto-recharge" })).not.toBeChecked();
  await expect(page.getByRole("table", { name: "Recharges and purchases" })).toContainText("insufficient funds");
  await snap(page, testInfo, "owner-starter-disabled-zero");
  await expectAccessible(page);
});

test("owner · Starter · needs a payment method · low", async ({ page }, testInfo) => {
  const { org, owner } = await makePageState("Starter No Card", {
    plan: "starter",
    card: false,
    planCredits: 40,
    autoRecharge: { enabled: true, threshold: 100 },
    incidents: [{ kind: "no_payment_method", message: "No payment method set for automatic top-offs" }],
  });
  await openBilling(page, owner.email, org.slug);
  await expect(page.getByTestId("auto-recharge-status")).toHaveText("Needs a payment method");
  await expect(page.getByTestId("payment-method")).toContainText("No payment method");
  await expect(page.getByTestId("incident-no_payment_method").getByRole("link", { name: "Set up card" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Top Up Now" })).toBeDisabled();
  await snap(page, testInfo, "owner-starter-needs-card-low");
  await expectAccessible(page);
});

test("owner · Starter · requires action (verification) · low", async ({ page }, testInfo) => {
  const { org, owner } = await makePageState("Starter Verify", {
    plan: "starter",
    card: true,
    planCredits: 40,
    autoRecharge: { enabled: true, threshold: 100 },
    attempts: [{ status: "requires_action", failureCode: "authentication_required" }],
    incidents: [{ kind: "verification_needed", message: "Your bank requires you to verify this payment. Complete verification to add the credits." }],
  });
  await openBilling(page, owner.email, org.slug);
  await expect(page.getByTestId("auto-recharge-status")).toHaveText("Waiting for verification");
  await expect(page.getByRole("table", { name: "Recharges and purchases" })).toContainText("Needs verification");
  await expect(page.getByRole("table", { name: "Recharges and purchases" }).getByRole("link", { name: "Complete verification" })).toBeVisible();
  await snap(page, testInfo, "owner-starter-requires-action-low");
  await expectAccessible(page);
});

test("editor · Starter · active · healthy: every value visible, every control disabled with the reason", async ({ page }, testInfo) => {
  const { org, editor } = await makePageState("Starter Editor", {
    plan: "starter",
    card: true,
    planCredits: 1800,
    topupCredits: 1000,
    autoRecharge: { enabled: true, threshold: 300, packs: 3, max: 5 },
    attempts: [{ status: "succeeded" }],
    incidents: [{ kind: "card_declined", message: DECLINED }],
  });
  await openBilling(page, editor.email, org.slug);
  await expect(page.getByTestId("read-only-note")).toBeVisible();
  await expect(page.getByTestId("total-balance")).toHaveText("2,800");
  await expect(page.getByTestId("auto-recharge-status")).toHaveText("Active");
  await expect(page.getByText("Only the organization owner can manage auto-recharge.")).toBeVisible();
  await expect(page.getByRole("switch", { name: "Enable auto-recharge" })).toBeDisabled();
  await expect(page.getByRole("switch", { name: "Enable auto-recharge" })).toBeChecked();
  await expect(page.getByLabel("When balance falls below")).toBeDisabled();
  await expect(page.getByLabel("When balance falls below")).toHaveValue("300");
  await expect(page.getByLabel("Recharge amount")).toBeDisabled();
  await expect(page.getByLabel("Max recharges per month")).toBeDisabled();
  await expect(page.getByLabel("Monthly spending limit (optional)")).toBeDisabled();
  await expect(page.getByRole("button", { name: "Save auto-recharge settings" })).toBeDisabled();
  await expect(page.getByRole("button", { name: "Buy Credits" })).toBeDisabled();
  await expect(page.getByText("Only the organization owner can buy credits.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Top Up Now" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Update card" })).toBeDisabled();
  await expect(page.getByRole("button", { name: "Manage plan" })).toBeDisabled();
  await expect(page.getByTestId("incident-card_declined")).toContainText(DECLINED);
  await expect(page.getByTestId("incident-card_declined").getByRole("button", { name: /Dismiss/ })).toBeDisabled();
  await expect(page.getByTestId("cap-usage-text")).toContainText("1 of 5 used this month");
  // The only enabled button in the page body is "Ask an owner to top up".
  await expect(main(page).locator("button:not([disabled])")).toHaveText(["Ask an owner to top up"]);
  await snap(page, testInfo, "editor-starter-active-healthy");
  await expectAccessible(page);
});

test("editor · Starter · paused by cap · zero", async ({ page }, testInfo) => {
  const { org, editor } = await makePageState("Editor Capped", {
    plan: "starter",
    card: true,
    planCredits: 0,
    autoRecharge: { enabled: true, threshold: 100, max: 2 },
    succeededAttempts: 2,
  });
  await openBilling(page, editor.email, org.slug);
  await expect(page.getByTestId("auto-recharge-status")).toContainText("Paused until");
  await expect(page.getByTestId("zero-balance-banner")).toContainText("Ask an owner");
  await expect(page.getByTestId("cap-usage-text")).toContainText("2 of 2 used this month");
  await snap(page, testInfo, "editor-starter-capped-zero");
  await expectAccessible(page);
});

test("owner · Free · zero balance: the banner says usage is refused and how to fix it", async ({ page }, testInfo) => {
  const { org, owner } = await makePageState("Free Zero Owner", { plan: "free", planCredits: 0 });
  await openBilling(page, owner.email, org.slug);
  const banner = page.getByTestId("zero-balance-banner");
  await expect(banner).toContainText("You're out of credits — usage is being refused");
  await expect(banner).toContainText("402 Payment Required");
  await expect(banner).toContainText("upgrade your plan to use auto-recharge");
  await expect(banner.getByRole("link", { name: "Buy credits" })).toBeVisible();
  await expect(page.getByTestId("runway")).toContainText("balance lasts less than an hour");
  await snap(page, testInfo, "owner-free-zero");
  await expectAccessible(page);
});

test("owner · Pro · paused by the spending limit · low", async ({ page }, testInfo) => {
  const { org, owner } = await makePageState("Pro Spending Limit", {
    plan: "pro",
    card: true,
    planCredits: 300,
    autoRecharge: { enabled: true, threshold: 1000, packs: 2, max: 20, limitCents: 6000 },
    succeededAttempts: 2,
  });
  await openBilling(page, owner.email, org.slug);
  await expect(page.getByTestId("auto-recharge-status")).toContainText("Paused until");
  await expect(page.getByTestId("auto-recharge-status-detail")).toContainText("You've reached your monthly spending limit");
  await expect(page.getByTestId("spend-this-month")).toContainText("$60.00 of $60.00 limit");
  await expect(page.getByTestId("auto-recharge-rate")).toHaveText("$15.00 per 1,000 credits");
  await expect(page.getByTestId("cap-usage-text")).toContainText("2 of 20 used this month");
  await snap(page, testInfo, "owner-pro-spending-limit");
  await expectAccessible(page);
});

test("editor · Starter · a recharge in flight · low: status says so, values visible", async ({ page }, testInfo) => {
  const { org, editor } = await makePageState("Editor Recharging", {
    plan: "starter",
    card: true,
    planCredits: 90,
    autoRecharge: { enabled: true, threshold: 100 },
    attempts: [{ status: "processing" }],
  });
  await openBilling(page, editor.email, org.slug);
  await expect(page.getByTestId("auto-recharge-status")).toHaveText("Recharging");
  await expect(page.getByRole("table", { name: "Recharges and purchases" })).toContainText("Processing");
  await expect(page.getByTestId("cap-usage-text")).toContainText("1 of 10 used this month");
  await snap(page, testInfo, "editor-starter-recharging-low");
  await expectAccessible(page);
});

for (const [used, tone] of [
  [50, "ok"],
  [51, "warning"],
  [80, "warning"],
  [81, "danger"],
] as const) {
  test(`the monthly cap bar at ${used}% is ${tone} and shows the number`, async ({ page }, testInfo) => {
    const { org, owner } = await makePageState(`Pro Cap ${used}`, {
      plan: "pro",
      card: true,
      autoRecharge: { enabled: true, threshold: 100, max: 100 },
      succeededAttempts: used,
    });
    await openBilling(page, owner.email, org.slug);
    await expect(page.getByTestId("cap-usage-text")).toContainText(`${used} of 100 used this month (${used}%)`);
    await expect(page.getByTestId("cap-usage-bar")).toHaveAttribute("data-tone", tone);
    await expect(page.getByTestId("cap-usage-bar")).toHaveAttribute("aria-valuenow", String(used));
    await page.getByTestId("cap-usage-bar").scrollIntoViewIfNeeded();
    await testInfo.attach(`cap-${used}`, { body: await page.locator("#auto-recharge").screenshot(), contentType: "image/png" });
  });
}

test("390 px wide: the page reflows without horizontal scrolling", async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const { org, owner } = await makePageState("Mobile Owner", {
    plan: "starter",
    card: true,
    planCredits: 700,
    autoRecharge: { enabled: true, threshold: 200 },
    attempts: [{ status: "succeeded" }],
  });
  await openBilling(page, owner.email, org.slug);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await snap(page, testInfo, "owner-390px");
  await expectAccessible(page);
});

test("390 px wide, editor with banners: reflows, reasons visible, accessible", async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const { org, editor } = await makePageState("Mobile Editor", {
    plan: "starter",
    card: true,
    planCredits: 0,
    autoRecharge: { enabled: true, threshold: 100, disabledAfterFailures: true },
    incidents: [{ kind: "disabled_after_failures", message: DISABLED }],
  });
  await openBilling(page, editor.email, org.slug);
  await expect(page.getByTestId("incident-disabled_after_failures")).toBeVisible();
  await expect(page.getByTestId("zero-balance-banner")).toBeVisible();
  await expect(page.getByText("Only the organization owner can manage auto-recharge.")).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await snap(page, testInfo, "editor-390px");
  await expectAccessible(page);
});
