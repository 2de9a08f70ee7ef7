import { expect, test } from "@playwright/test";
import { openBilling } from "./support/billing-page";
import { closeTestDb, makePageState } from "./support/factories";

/**
 * The README's two screenshots (owner and editor, 1280 px, full page), taken from the running app.
 * Not part of `npm test`: `npm run screenshots` (after `npm run build`) rewrites docs/screenshots/*.png.
 */
test.afterAll(closeTestDb);

test("owner and editor screenshots for the README", async ({ page, browser }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  const { org, owner, editor } = await makePageState("Acme Voice Labs", {
    plan: "starter",
    card: true,
    planCredits: 620,
    topupCredits: 1000,
    autoRecharge: { enabled: true, threshold: 500, packs: 2, max: 10, limitCents: 50000 },
    succeededAttempts: 6,
    attempts: [
      {
        status: "failed",
        failureCode: "card_declined",
        declineCode: "insufficient_funds",
        failureMessage: "Your card was declined: insufficient funds. Add funds to the card or update your payment method.",
      },
    ],
    incidents: [{ kind: "card_declined", message: "Your card was declined: insufficient funds. Add funds to the card or update your payment method." }],
  });
  await openBilling(page, owner.email, org.slug);
  await expect(page.getByTestId("cap-usage-text")).toContainText("6 of 10");
  await page.screenshot({ path: "docs/screenshots/billing-owner.png", fullPage: true });
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const ep = await ctx.newPage();
  await openBilling(ep, editor.email, org.slug);
  await ep.screenshot({ path: "docs/screenshots/billing-editor.png", fullPage: true });
  await ctx.close();
});
