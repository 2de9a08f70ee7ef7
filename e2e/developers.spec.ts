import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { Webhook } from "standardwebhooks";
import { expectAccessible, openBilling, snap } from "./support/billing-page";
import { closeTestDb, makeStripeOrg } from "./support/factories";
import { signIn } from "./support/session";

/**
 * The Developers page: an owner adds a webhook endpoint pointing at a receiver this test runs, sees the
 * signing secret once, tops up, and the signed `recharge.succeeded` arrives and shows in the delivery log;
 * Resend sends it again with the same webhook-id. The editor sees the page read-only.
 */
test.afterAll(closeTestDb);
test.describe.configure({ timeout: 90_000 });

interface Received {
  headers: Record<string, string>;
  body: string;
  at: number;
}

async function startReceiver() {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString("utf8"), at: Date.now() });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/refill-hooks`, received, stop: () => new Promise<void>((r) => server.close(() => r())) };
}

test("owner adds an endpoint, sees the secret once, and a Top Up Now is delivered signed and logged; the editor reads only", async ({
  page,
  browser,
}, testInfo) => {
  const receiver = await startReceiver();
  try {
    const { org, owner, editor } = await makeStripeOrg("Webhooks", { plan: "free", card: "pm_card_visa", planCredits: 80 });
    await signIn(page, owner.email);
    await page.goto(`/${org.slug}/settings/developers`);
    await expect(page.getByRole("heading", { name: "Developers", level: 1 })).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Developers" })).toHaveAttribute("aria-current", "page");

    await page.getByLabel("Endpoint URL").fill(receiver.url);
    await expect(page.getByLabel("All events")).toBeChecked();
    await page.getByRole("button", { name: "Add endpoint" }).click();
    const secretBox = page.getByTestId("signing-secret");
    await expect(secretBox).toHaveText(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    const secret = (await secretBox.textContent())!;
    await expect(page.getByRole("list", { name: "Webhook endpoints" })).toContainText(receiver.url);
    await snap(page, testInfo, "developers-endpoint-added");
    await page.reload();
    await expect(page.getByTestId("signing-secret")).toHaveCount(0); // shown once
    await expect(page.getByRole("list", { name: "Webhook endpoints" })).toContainText("All events");

    // something that emits an event: Top Up Now → recharge.succeeded
    await openBilling(page, owner.email, org.slug);
    await page.getByRole("button", { name: "Top Up Now" }).click();
    const dialog = page.getByRole("dialog", { name: "Top up now" });
    await dialog.getByLabel("Number of packs").fill("1");
    await dialog.getByRole("button", { name: "Charge $28.00" }).click();
    await expect(page.getByText("Credits topped up successfully.")).toBeVisible();
    const toppedUpAt = Date.now();
    await expect.poll(() => receiver.received.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
    const first = receiver.received[0]!;
    testInfo.annotations.push({ type: "delivery latency", description: `${first.at - toppedUpAt} ms after the toast` });
    const event = new Webhook(secret).verify(first.body, first.headers) as { id: string; type: string; org_id: string; data: { status: string } };
    expect(event).toMatchObject({ type: "recharge.succeeded", org_id: org.id, data: { status: "succeeded" } });
    expect(first.headers["webhook-id"]).toBe(event.id);

    await page.goto(`/${org.slug}/settings/developers`);
    const log = page.getByRole("table", { name: "Webhook delivery attempts" });
    await expect(log).toContainText("recharge.succeeded");
    await expect(log).toContainText("Succeeded");
    await expect(log).toContainText("200");
    await expectAccessible(page);
    await snap(page, testInfo, "developers-delivered");

    await log.getByRole("button", { name: "Resend recharge.succeeded" }).first().click();
    await expect(page.getByText("Queued for delivery.")).toBeVisible();
    await expect.poll(() => receiver.received.length, { timeout: 20_000 }).toBe(2);
    expect(receiver.received[1]!.headers["webhook-id"]).toBe(event.id);
    await expect(async () => {
      await page.reload();
      await expect(log).toContainText("(resend)", { timeout: 1000 });
    }).toPass({ timeout: 20_000 });

    // the editor: everything visible, every control disabled with the reason
    const editorContext = await browser.newContext();
    const ed = await editorContext.newPage();
    await signIn(ed, editor.email);
    await ed.goto(`/${org.slug}/settings/developers`);
    await expect(ed.getByText("Only the organization owner can manage webhook endpoints.").first()).toBeVisible();
    await expect(ed.getByLabel("Endpoint URL")).toBeDisabled();
    await expect(ed.getByRole("button", { name: "Add endpoint" })).toBeDisabled();
    await expect(ed.getByRole("button", { name: `Delete ${receiver.url}` })).toBeDisabled();
    await expect(ed.getByRole("button", { name: `Rotate the signing secret of ${receiver.url}` })).toBeDisabled();
    await expect(ed.getByRole("table", { name: "Webhook delivery attempts" })).toContainText("recharge.succeeded");
    await expect(ed.getByRole("button", { name: "Resend recharge.succeeded" }).first()).toBeDisabled();
    await expectAccessible(ed);
    await snap(ed, testInfo, "developers-editor");
    await editorContext.close();
  } finally {
    await receiver.stop();
  }
});
