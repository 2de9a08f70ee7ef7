import { expect, test } from "@playwright/test";
import { E2E } from "./support/config";
import { expectAccessible, main, openBilling } from "./support/billing-page";
import { closeTestDb, makePageState } from "./support/factories";
import { signIn } from "./support/session";

/** The Billing page's "Balance alerts" card: the owner sets thresholds and a recipient; an editor reads them. */
test.afterAll(closeTestDb);

test("owner sets balance alert thresholds and a billing recipient; the editor sees them read-only with the reason", async ({ page, browser }, testInfo) => {
  const { org, owner, editor } = await makePageState("Balance Alerts", { plan: "starter", card: true, planCredits: 1800 });
  await openBilling(page, owner.email, org.slug);
  const card = page.locator("#balance-alerts");
  await card.scrollIntoViewIfNeeded();
  await expect(card.getByLabel("Threshold 1")).toHaveValue("200"); // the default: 10 % of Starter's 2,000
  await expect(card).toContainText("(the default)");

  await card.getByLabel("Threshold 2 (optional)").fill("200");
  await card.getByLabel("Extra recipients (optional)").fill("not-an-email");
  await card.getByRole("button", { name: "Save balance alerts" }).click();
  await expect(card.locator("#ba-threshold2-error")).toHaveText("Thresholds must be different from each other");
  await expect(card.locator("#ba-recipients-error")).toHaveText("Enter a valid email address");

  await card.getByLabel("Threshold 1").fill("1000");
  await card.getByLabel("Threshold 2 (optional)").fill("250");
  await card.getByLabel("Extra recipients (optional)").fill("finance@acme-voice.test");
  await card.getByRole("button", { name: "Save balance alerts" }).click();
  await expect(page.getByText("Balance alerts saved.")).toBeVisible();
  await page.reload();
  await expect(card).toContainText("Alerts at 1,000, 250 credits, and when credits run out.");
  await expect(card.getByLabel("Extra recipients (optional)")).toHaveValue("finance@acme-voice.test");
  await card.screenshot({ path: testInfo.outputPath("balance-alerts-owner.png") });
  await expectAccessible(page);

  const editorCtx = await browser.newContext({ baseURL: E2E.appUrl });
  const ep = await editorCtx.newPage();
  await signIn(ep, editor.email);
  await ep.goto(`/${org.slug}/settings/billing`);
  const ec = main(ep).locator("#balance-alerts");
  await expect(ec).toContainText("Only the organization owner can change balance alerts.");
  await expect(ec.getByLabel("Threshold 1")).toHaveValue("1000");
  await expect(ec.getByLabel("Threshold 1")).toBeDisabled();
  await expect(ec.getByLabel("Extra recipients (optional)")).toBeDisabled();
  await expect(ec.getByRole("button", { name: "Save balance alerts" })).toHaveCount(0);
  await editorCtx.close();
});
