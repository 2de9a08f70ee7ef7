import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, type Page } from "@playwright/test";
import { E2E } from "./config";

export const PASSWORD = "refill-demo";

/** Signs in through the real form and waits for the landing page. */
export async function signIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/\/sign-in/);
}

/** The seed's demo credentials (written by the launcher on first start). */
export function demoCredentials(): { apiKey: string } {
  return JSON.parse(readFileSync(path.join(E2E.dataDir, "demo-credentials.json"), "utf8"));
}
