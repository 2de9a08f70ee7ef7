import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, type TestInfo } from "@playwright/test";
import { signIn } from "./session";

/** Signs in as `email` and opens the org's Billing page. */
export async function openBilling(page: Page, email: string, slug: string): Promise<void> {
  await signIn(page, email);
  await page.goto(`/${slug}/settings/billing`);
  await expect(page.getByRole("heading", { name: "Billing", level: 1 })).toBeVisible();
  await billingHydrated(page);
}

/** Resolves once the Billing page's content has hydrated (`HydrationMark`): a field typed into before can be reset. */
async function billingHydrated(page: Page): Promise<void> {
  await expect(page.locator("html[data-hydrated=true]")).toHaveCount(1);
}

/**
 * Resolves when the next server action that `page` posts has been answered: Next.js starts the response only
 * after the action returned, so its writes are committed. Call it before the click that starts the action,
 * await it after. (It does not wait for the rest of the body: on a loaded machine Chromium sometimes abandons
 * that stream when the page refreshes, Playwright's `finished()` then never resolves, and a toast shown
 * meanwhile is gone by the time it gives up.)
 */
export async function serverActionDone(page: Page): Promise<void> {
  await page.waitForResponse((r) => r.request().method() === "POST" && r.request().headers()["next-action"] !== undefined);
}

/** A full-page screenshot attached to the test's report (and kept under test-results/). */
export async function snap(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: "image/png" });
}

/** axe: no serious or critical violations on the page as it is now. */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`)).toEqual([]);
}

export const main = (page: Page) => page.getByRole("main");
