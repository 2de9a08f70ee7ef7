import { expect, test, type APIRequestContext } from "@playwright/test";
import { expectAccessible, main, openBilling, snap } from "./support/billing-page";
import { E2E } from "./support/config";
import { closeTestDb, makeApiKey, makeStripeOrg } from "./support/factories";

/**
 * Campaign autopause (issue #15): campaigns registered through the API pause at a low balance; the banner
 * across the org's pages offers Recharge (Top Up Now's charge, for a minute tier) and then the campaigns to
 * resume — a Premium campaign stays unavailable after a Basic recharge, and resumes after a Premium one.
 */
test.afterAll(closeTestDb);

async function createCampaign(request: APIRequestContext, key: string, body: Record<string, unknown>): Promise<string> {
  const res = await request.post(`${E2E.appUrl}/api/v1/campaigns`, { headers: { authorization: `Bearer ${key}` }, data: body });
  expect(res.status()).toBe(201);
  return (await res.json()).id as string;
}

test("campaigns pause at a low balance; Basic recharge resumes Basic only, Premium recharge resumes the Premium one", async ({ page, request }, testInfo) => {
  const { org, owner } = await makeStripeOrg("Campaigns Autopause", { plan: "free", card: "pm_card_visa", planCredits: 100 });
  const key = await makeApiKey(org.id, ["usage:write", "billing:read", "billing:write"]);
  const premium = await createCampaign(request, key, { name: "Premium outbound", tier: "premium", min_balance: 50 });
  const basic = await createCampaign(request, key, { name: "Basic outbound", tier: "basic", min_balance: 40 });
  const status = async (id: string) =>
    (await (await request.get(`${E2E.appUrl}/api/v1/campaigns/${id}`, { headers: { authorization: `Bearer ${key}` } })).json()) as {
      status: string;
      paused_reason: string | null;
    };

  // usage takes the balance to 30: below both minimums → both paused by the debit path (or the sweep)
  const usage = await request.post(`${E2E.appUrl}/api/v1/usage`, {
    headers: { authorization: `Bearer ${key}` },
    data: { quantity: 70, idempotency_key: "camp-1" },
  });
  expect(usage.status()).toBe(200);
  await expect
    .poll(async () => [(await status(premium)).paused_reason, (await status(basic)).paused_reason], { timeout: 70_000 })
    .toEqual(["low_balance", "low_balance"]);

  await openBilling(page, owner.email, org.slug);
  const banner = page.getByTestId("campaigns-banner");
  await expect(banner).toContainText("2 campaigns paused: low balance");
  await expectAccessible(page);

  // a Basic recharge: the Basic campaign may resume, the Premium one is unavailable with the reason
  await banner.getByRole("button", { name: "Recharge" }).click();
  let dialog = page.getByRole("dialog", { name: "Recharge for campaigns" });
  await dialog.getByRole("radio", { name: "Basic" }).check();
  await dialog.getByLabel("Number of packs").fill("1");
  await dialog.getByRole("button", { name: "Charge $28.00" }).click();
  dialog = page.getByRole("dialog", { name: "Resume campaigns" });
  const list = dialog.getByRole("list", { name: "Paused campaigns" });
  await expect(list.getByRole("checkbox", { name: /Basic outbound/ })).toBeChecked();
  await expect(list.getByRole("checkbox", { name: /Premium outbound/ })).toBeDisabled();
  await expect(list).toContainText("Unavailable: A Basic recharge does not cover Premium campaigns. Recharge Premium to resume it.");
  await snap(page, testInfo, "campaigns-resume-after-basic");
  await dialog.getByRole("button", { name: "Resume 1 selected" }).click();
  await expect(page.getByText("1 campaign resumed.")).toBeVisible();
  await expect(banner).toContainText("1 campaign paused: low balance");
  expect((await status(basic)).paused_reason).toBeNull();
  expect((await status(premium)).paused_reason).toBe("low_balance");
  // the first resume's toast gone, so the second one's is the one seen below (two at once failed strict mode in CI)
  await expect(page.getByText("1 campaign resumed.")).toHaveCount(0, { timeout: 15_000 });

  // a Premium recharge covers the Premium campaign
  await banner.getByRole("button", { name: "Recharge" }).click();
  dialog = page.getByRole("dialog", { name: "Recharge for campaigns" });
  await dialog.getByRole("radio", { name: "Premium" }).check();
  await dialog.getByRole("button", { name: "Charge $28.00" }).click();
  dialog = page.getByRole("dialog", { name: "Resume campaigns" });
  await expect(dialog.getByRole("checkbox", { name: /Premium outbound/ })).toBeChecked();
  await dialog.getByRole("button", { name: "Resume 1 selected" }).click();
  await expect(page.getByText("1 campaign resumed.")).toBeVisible();
  await expect(banner).toHaveCount(0);
  expect((await status(premium)).paused_reason).toBeNull();

  await page.goto(`/${org.slug}/settings/campaigns`);
  await expect(main(page).getByTestId("campaign-row-Premium outbound")).toContainText("Active");
  await expect(main(page).getByTestId("campaign-row-Basic outbound")).toContainText("Active");
});

test("an editor sees the banner and the paused campaign, with why they cannot recharge or resume", async ({ page, request }) => {
  const { org, editor } = await makeStripeOrg("Campaigns Editor", { plan: "free", card: "pm_card_visa", planCredits: 10 });
  const key = await makeApiKey(org.id, ["billing:read", "billing:write"]);
  const id = await createCampaign(request, key, { name: "Premium outbound", tier: "premium", min_balance: 50 }); // below its minimum: paused at once
  await openBilling(page, editor.email, org.slug);
  const banner = page.getByTestId("campaigns-banner");
  await expect(banner).toContainText("1 campaign paused: low balance");
  await expect(banner.getByRole("button", { name: "Recharge" })).toBeDisabled();
  await expect(banner.getByRole("button", { name: "Recharge" })).toHaveAccessibleDescription("Only the organization owner can recharge and resume campaigns.");
  await expectAccessible(page);
  await banner.getByRole("link", { name: "See campaigns" }).click();
  const row = main(page).getByTestId("campaign-row-Premium outbound");
  await expect(row).toContainText("Paused: low balance");
  await expect(row.getByRole("button", { name: "Resume" })).toBeDisabled();
  await expectAccessible(page);
  const res = await request.get(`${E2E.appUrl}/api/v1/campaigns/${id}`, { headers: { authorization: `Bearer ${key}` } });
  expect(await res.json()).toMatchObject({ status: "paused", paused_reason: "low_balance" });
});
