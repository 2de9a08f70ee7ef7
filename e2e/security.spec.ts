import { expect, test } from "@playwright/test";
import { closeTestDb, makePageState } from "./support/factories";
import { signIn } from "./support/session";

/**
 * Issue 12's security items that only a browser against the built app shows: response headers, the
 * return address after sign-in, a hostile ledger cursor on the Billing page, and sign-out ending the
 * session on the server (a cookie captured before "Sign out" is refused). Each test makes its own org.
 */
test.afterAll(closeTestDb);

test("every page carries the security headers; the sign-in page cannot be framed", async ({ request }) => {
  const res = await request.get("/sign-in");
  expect(res.status()).toBe(200);
  const h = res.headers();
  expect(h["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(h["x-frame-options"]).toBe("DENY");
  expect(h["x-content-type-options"]).toBe("nosniff");
  expect(h["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(h["permissions-policy"]).toContain("camera=()");
});

test("the sign-in page works under the CSP (no violation reported)", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" && /Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  const { owner } = await makePageState("CSP check", { plan: "starter" });
  await signIn(page, owner.email);
  await expect(page).toHaveURL(/\/settings\/billing$/);
  expect(violations).toEqual([]);
});

for (const callbackUrl of ["/\\evil.example/x", "/\t/evil.example", "//evil.example", "https://evil.example/"]) {
  test(`sign-in never leaves the site (callbackUrl ${JSON.stringify(callbackUrl)})`, async ({ page, baseURL }) => {
    const { owner } = await makePageState("Redirect check", { plan: "starter" });
    await page.goto(`/sign-in?callbackUrl=${encodeURIComponent(callbackUrl)}`);
    await page.getByLabel("Email").fill(owner.email);
    await page.getByLabel("Password").fill("refill-demo");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/settings\/billing$/);
    expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
  });
}

test("the Billing page with ?before=2^63 shows the first ledger page, not the error boundary", async ({ page }) => {
  const { org, owner } = await makePageState("Cursor check", { plan: "starter", debits: 3 });
  await signIn(page, owner.email);
  await page.goto(`/${org.slug}/settings/billing?before=9223372036854775808`);
  await expect(page.getByText("We couldn't load your billing details")).toHaveCount(0);
  await expect(page.getByTestId("total-balance")).toBeVisible();
});

test("after Sign out, a cookie captured before it no longer exports the ledger or opens the page", async ({ page, browser, baseURL }) => {
  const { org, owner } = await makePageState("Sign-out check", { plan: "starter", debits: 2 });
  await signIn(page, owner.email);
  const captured = await page.context().cookies();
  const exportUrl = `${baseURL}/${org.slug}/settings/billing/export`;
  expect((await page.request.get(exportUrl)).status()).toBe(200);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);

  const replay = await browser.newContext();
  await replay.addCookies(captured);
  const res = await replay.request.get(exportUrl, { maxRedirects: 0 });
  expect(res.status()).toBe(401);
  const other = await replay.newPage();
  await other.goto(`/${org.slug}/settings/billing`);
  await expect(other).toHaveURL(/\/sign-in/);
  await replay.close();
});

test("after 10 wrong passwords the right one is refused too, with a wait", async ({ page }) => {
  const { owner } = await makePageState("Throttle check", { plan: "starter" });
  await page.goto("/sign-in");
  for (let i = 0; i < 10; i++) {
    await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeEnabled(); // the previous attempt has answered
    await page.getByLabel("Email").fill(owner.email);
    await page.getByLabel("Password").fill(`wrong-${i}`);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").filter({ hasText: /Invalid email or password|Too many sign-in attempts/ })).toBeVisible();
  }
  await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeEnabled();
  await page.getByLabel("Email").fill(owner.email);
  await page.getByLabel("Password").fill("refill-demo");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: /Too many sign-in attempts\. Try again in \d+ minutes?\./ })).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in/);
});

test("the verify routes answer 404 for an attempt id that is not a UUID (36 characters of [0-9a-f-])", async ({ page, baseURL }) => {
  const { org, owner } = await makePageState("Verify id check", { plan: "starter" });
  await signIn(page, owner.email);
  for (const path of ["verify/------------------------------------", "verify/0123456789abcdef0123456789abcdef0123/return"]) {
    const res = await page.request.get(`${baseURL}/${org.slug}/settings/billing/${path}`, { maxRedirects: 0 });
    expect(res.status()).toBe(404);
  }
});
