import { expect, test, type Request } from "@playwright/test";
import { E2E } from "./support/config";
import { expectAccessible, main, openBilling, serverActionDone, snap } from "./support/billing-page";
import { addIncident, closeTestDb, getAutoRechargeRow, getTotalBalance, makePageState } from "./support/factories";
import { signIn } from "./support/session";

/** What an owner does on the Billing page (forms, banners) and what an editor cannot do. */
test.afterAll(closeTestDb);

test("owner saves auto-recharge settings: field errors next to their field, then a success toast", async ({ page }, testInfo) => {
  const { org, owner } = await makePageState("Save Settings", { plan: "starter", card: true, planCredits: 1800 });
  await openBilling(page, owner.email, org.slug);
  const sw = page.getByRole("switch", { name: "Enable auto-recharge" });
  // The label toggles the switch; keyboard works too.
  await page.getByText("Enable auto-recharge", { exact: true }).click();
  await expect(sw).toBeChecked();
  await sw.focus();
  await page.keyboard.press("Space");
  await expect(sw).not.toBeChecked();
  await page.keyboard.press("Space");
  await expect(sw).toBeChecked();

  await page.getByLabel("When balance falls below").fill("0");
  await page.getByLabel("Recharge amount").fill("101");
  await page.getByLabel("Max recharges per month").fill("40");
  await page.getByLabel("Monthly spending limit (optional)").fill("abc");
  await page.getByRole("button", { name: "Save and authorize" }).click();
  await expect(page.locator("#threshold-error")).toHaveText("Threshold must be at least 1 credit");
  await expect(page.locator("#recharge-packs-error")).toHaveText("Choose at most 100 packs");
  await expect(page.locator("#max-recharges-error")).toHaveText("At most 31 recharges per month on this plan");
  await expect(page.locator("#monthly-limit-error")).toBeVisible();
  await expect(page.getByLabel("When balance falls below")).toHaveAttribute("aria-invalid", "true");
  await snap(page, testInfo, "auto-recharge-field-errors");
  await expectAccessible(page);
  expect(await getAutoRechargeRow(org.id)).toBeNull();

  await page.getByLabel("When balance falls below").fill("250");
  await page.getByLabel("Recharge amount").fill("3");
  await expect(page.getByTestId("recharge-amount-label")).toHaveText("= 3,000 credits for $60.00");
  await page.getByLabel("Max recharges per month").fill("5");
  await page.getByLabel("Monthly spending limit (optional)").fill("200");
  await page.getByLabel("Email me at (% of the limit)").fill("50");
  // enabling shows exactly what may be charged, beside the button, and needs the owner's checkbox
  await expect(page.getByTestId("consent-text")).toHaveText(
    "Up to 5 × $60.00 = $300.00 a month on Visa •••• 4242, charged automatically when the balance falls below 250 credits. A balance far below the threshold is brought back to it in one charge, within that monthly total. Your spending limit of $200.00 a month stops charges earlier.",
  );
  await page.getByRole("checkbox", { name: /I authorize these automatic charges/ }).check();
  await page.getByRole("button", { name: "Save and authorize" }).click();
  await expect(page.getByText("Auto-recharge settings updated.")).toBeVisible();
  await expect(page.getByTestId("auto-recharge-status")).toHaveText("Active");
  const row = await getAutoRechargeRow(org.id);
  expect(row).toMatchObject({ enabled: true, threshold: 250, rechargePacks: 3, maxRechargesPerMonth: 5, spendingLimitCents: 20000, spendingAlertPercent: 50 });
  await page.reload();
  await expect(page.getByLabel("Monthly spending limit (optional)")).toHaveValue("200.00");
  await expect(page.getByTestId("cap-usage-text")).toContainText("0 of 5 used this month");
  await expect(page.getByTestId("spend-this-month")).toContainText("$0.00 of $200.00 limit");
  await expect(page.getByTestId("next-recharge")).toContainText("When your balance falls below 250 credits: +3,000 credits for $60.00");
});

test("saving while below the threshold says BEFORE saving that a recharge will be charged now", async ({ page }, testInfo) => {
  const { org, owner } = await makePageState("Below Threshold", { plan: "starter", card: true, planCredits: 50 });
  await openBilling(page, owner.email, org.slug);
  await page.getByRole("switch", { name: "Enable auto-recharge" }).click();
  await page.getByLabel("When balance falls below").fill("100");
  await page.getByLabel("Recharge amount").fill("2");
  await page.getByRole("checkbox", { name: /I authorize these automatic charges/ }).check();
  await page.getByRole("button", { name: "Save and authorize" }).click();
  const dialog = page.getByRole("dialog", { name: "A recharge will be charged now" });
  await expect(dialog.getByTestId("charge-now-warning")).toContainText("charges $40.00 now for 2,000 credits");
  await expect(dialog.getByRole("button", { name: "Save and charge $40.00" })).toBeVisible();
  await snap(page, testInfo, "charge-now-warning");
  await expectAccessible(page);
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toHaveCount(0);
  expect(await getAutoRechargeRow(org.id)).toBeNull(); // nothing saved
});

test("dismissing one incident keeps it dismissed after reload while a newer one still shows", async ({ page }, testInfo) => {
  const { org, owner } = await makePageState("Dismiss Incidents", {
    plan: "starter",
    card: true,
    planCredits: 300,
    incidents: [
      { kind: "card_declined", message: "Your card was declined. Please update your payment method or contact your bank.", at: new Date(Date.now() - 60_000) },
      { kind: "internal_error", message: "An internal error occurred" },
    ],
  });
  await openBilling(page, owner.email, org.slug);
  const declined = page.getByTestId("incident-card_declined");
  const internal = page.getByTestId("incident-internal_error");
  await expect(declined).toBeVisible();
  await expect(internal.getByRole("link", { name: "Retry now" })).toBeVisible();
  const dismissed = serverActionDone(page);
  await declined.getByRole("button", { name: "Dismiss: Your card was declined" }).click();
  await expect(declined).toHaveCount(0);
  await expect(internal).toBeVisible();
  await dismissed;
  await page.reload();
  await expect(internal).toBeVisible();
  await expect(page.getByTestId("incident-card_declined")).toHaveCount(0);
  // A newer failure of the same kind is a new incident: it shows.
  await addIncident(org.id, "card_declined", "Your card was declined: insufficient funds. Add funds to the card or update your payment method.");
  await page.reload();
  await expect(page.getByTestId("incident-card_declined")).toContainText("insufficient funds");
  await expect(internal).toBeVisible();
  await snap(page, testInfo, "incident-newer-shows");
});

test("editor: no Buy/Top Up/Update card controls, and a forged Top Up Now call is refused with no charge", async ({ page, browser }, testInfo) => {
  const { org, owner, editor } = await makePageState("Forged Action", { plan: "starter", card: true, planCredits: 500 });
  // The owner opens the dialog; we capture the server action request instead of letting it reach the server.
  await openBilling(page, owner.email, org.slug);
  let captured: { headers: Record<string, string>; body: string } | null = null;
  await page.route(`**/${org.slug}/settings/billing*`, async (route) => {
    const req: Request = route.request();
    if (req.method() === "POST" && req.headers()["next-action"]) {
      captured = { headers: req.headers(), body: req.postData() ?? "" };
      return route.abort();
    }
    return route.continue();
  });
  await page.getByRole("button", { name: "Top Up Now" }).click();
  await page
    .getByRole("dialog", { name: "Top up now" })
    .getByRole("button", { name: /^Charge/ })
    .click();
  await expect.poll(() => captured !== null).toBe(true);

  const editorCtx = await browser.newContext({ baseURL: E2E.appUrl });
  const ep = await editorCtx.newPage();
  await signIn(ep, editor.email);
  await ep.goto(`/${org.slug}/settings/billing`);
  await expect(main(ep).getByRole("button", { name: "Top Up Now" })).toHaveCount(0);
  await expect(main(ep).getByRole("button", { name: "Buy Credits" })).toBeDisabled();
  await expect(main(ep).getByRole("button", { name: "Update card" })).toBeDisabled();
  await snap(ep, testInfo, "editor-read-only");
  const c = captured!;
  const res = await ep.request.post(`/${org.slug}/settings/billing`, {
    headers: {
      "next-action": c.headers["next-action"]!,
      "content-type": c.headers["content-type"] ?? "text/plain;charset=UTF-8",
      accept: "text/x-component",
      "next-router-state-tree": c.headers["next-router-state-tree"] ?? "",
    },
    data: c.body,
  });
  const text = await res.text();
  expect(text).toContain("Only the organization owner can buy credits.");
  expect(await getTotalBalance(org.id)).toBe(500);
  await editorCtx.close();
});

test("the ledger CSV export is for members only", async ({ page, request }) => {
  const { org, owner } = await makePageState("Export Csv", { plan: "starter", card: true, planCredits: 1990 });
  const anon = await request.get(`/${org.slug}/settings/billing/export`, { maxRedirects: 0 });
  expect(anon.status()).toBe(401);
  await openBilling(page, owner.email, org.slug);
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export CSV" }).click()]);
  const csv = await (await download.createReadStream()).toArray();
  const text = Buffer.concat(csv).toString("utf8");
  expect(text.split("\n")[0]).toBe("id,created_at,kind,pool,delta,balance_after,reference,meter,properties");
  expect(text).toContain(",usage,plan,-10,1990,");
});

test("the ledger is paginated, newest first", async ({ page }) => {
  const { org, owner } = await makePageState("Ledger Pages", { plan: "starter", card: true, debits: 30 });
  await openBilling(page, owner.email, org.slug);
  const ledger = page.locator("#ledger");
  await expect(ledger.locator("tbody tr")).toHaveCount(25);
  await expect(ledger.locator("tbody tr").first()).toContainText("1,970");
  await ledger.getByRole("link", { name: "Older entries →" }).click();
  await expect(page).toHaveURL(/before=\d+/);
  await expect(ledger.locator("tbody tr")).toHaveCount(6);
  await expect(ledger.locator("tbody tr").last()).toContainText("Plan credits granted");
  await expect(ledger.getByRole("link", { name: "Older entries →" })).toHaveCount(0);
});

test("keyboard only: Buy Credits opens, focus is trapped in the dialog, Escape closes and returns focus", async ({ page }) => {
  const { org, owner } = await makePageState("Keyboard Only", { plan: "starter", card: true, planCredits: 900 });
  await openBilling(page, owner.email, org.slug);
  const buy = page.getByRole("button", { name: "Buy Credits" });
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press("Tab");
    if (await buy.evaluate((el) => el === document.activeElement)) break;
  }
  await expect(buy).toBeFocused();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "Buy credits" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel("Number of packs")).toBeFocused();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.type("10");
  await expect(dialog.getByTestId("buy-total")).toHaveText("$200.00");
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press("Tab");
    expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
  }
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  await expect(buy).toBeFocused();
  // The switch is reachable and toggles with Space.
  const sw = page.getByRole("switch", { name: "Enable auto-recharge" });
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press("Tab");
    if (await sw.evaluate((el) => el === document.activeElement)) break;
  }
  await expect(sw).toBeFocused();
  await page.keyboard.press("Space");
  await expect(sw).toBeChecked();
});
