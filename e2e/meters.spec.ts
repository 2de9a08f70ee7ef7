import { expect, test } from "@playwright/test";
import { expectAccessible, main, openBilling, snap } from "./support/billing-page";
import { closeTestDb, makeApiKey, makePageState } from "./support/factories";

/** Meters and rate cards (#15): usage reported per meter shows on the Billing page by meter and by property. */
test.afterAll(closeTestDb);

test("the Billing page shows usage by meter and by a property; Buy Credits says what the amount buys", async ({ page, request }, testInfo) => {
  const { org, owner } = await makePageState("Meters", { plan: "starter", topupCredits: 5_000 });
  const key = await makeApiKey(org.id);
  const headers = { authorization: `Bearer ${key}` };
  const res = await request.post("/api/v1/usage/batch", {
    headers,
    data: {
      events: [
        { meter: "minute.premium", quantity: 10, properties: { agent_id: "sales-bot" } },
        { meter: "minute.basic", quantity: 4, properties: { agent_id: "support-bot" } },
        { quantity: 3 },
      ],
    },
  });
  expect(res.status()).toBe(200);

  await openBilling(page, owner.email, org.slug);
  const byMeter = main(page).getByRole("table", { name: "Usage by meter" });
  await expect(byMeter.getByRole("row", { name: /Premium minutes/ })).toContainText("10 minutes");
  await expect(byMeter.getByRole("row", { name: /Premium minutes/ })).toContainText("80");
  await expect(byMeter.getByRole("row", { name: /Basic minutes/ })).toContainText("4 minutes");
  await expect(byMeter.getByRole("row", { name: /Basic minutes/ })).toContainText("20");
  await expect(byMeter.getByRole("row", { name: /Answered calls/ })).toContainText("3 calls");
  await expect(page.getByTestId("meter-usage-chart")).toBeAttached();
  const byAgent = main(page).getByRole("table", { name: "Usage by agent_id" });
  await expect(byAgent.getByRole("row", { name: /sales-bot/ })).toContainText("80");
  await expect(byAgent.getByRole("row", { name: /support-bot/ })).toContainText("20");
  await snap(page, testInfo, "usage-by-meter");
  await expectAccessible(page);

  await main(page).getByRole("button", { name: "Buy Credits" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Buy credits" });
  await dialog.getByLabel("Number of packs").fill("2"); // 2,000 credits at Starter's rates: Premium 8, Basic 5
  await expect(dialog.getByTestId("buy-minutes")).toHaveText("≈ 250 Premium or 400 Basic minutes");
});
