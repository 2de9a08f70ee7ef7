import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, type TestInfo } from "@playwright/test";
import { signIn } from "./session";

/** Signs in as `email` and opens the org's Billing page. */
export async function openBilling(page: Page, email: string, slug: string): Promise<void> {
  await signIn(page, email);
  await page.goto(`/${slug}/settings/billing`);
  await expect(page.getByRole("heading", { name: "Billing", level: 1 })).toBeVisible();
}

/**
 * Resolves when the next server action that `page` posts has been answered (the action ran and committed:
 * Next.js starts the response only after the action returns). Call it before the click that starts the
 * action, await it after. The rest of the body (the re-rendered tree) is waited for up to 10 s: on a loaded
 * machine Chromium sometimes abandons that stream when the page refreshes, and Playwright's `finished()`
 * then never resolves.
 */
export async function serverActionDone(page: Page): Promise<void> {
  const response = await page.waitForResponse((r) => r.request().method() === "POST" && r.request().headers()["next-action"] !== undefined);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([response.finished(), new Promise((r) => (timer = setTimeout(r, 10_000)))]);
  clearTimeout(timer);
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
