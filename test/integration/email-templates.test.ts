import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvCache } from "@/lib/env";
import { setJobSender } from "@/lib/jobs/queue";
import { deliverEmail, recordEmail, type EmailContent } from "@/lib/notifications/emails";
import * as tpl from "@/lib/notifications/templates";
import { emailPreviews } from "@/lib/notifications/template-previews";
import { webhookEndpointDisabledEmail } from "@/lib/notifications/webhook-emails";
import { eventually } from "../support/billing-harness";
import { makeOrg } from "../support/factories";
import { hrefsOf, parseMail } from "../support/mime";
import { startSmtpSink } from "../support/smtp-sink";
import { createTestDb, type TestDb } from "../support/test-db";

const APP_URL = "http://app.test";
let t: TestDb;
let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
beforeAll(async () => {
  t = await createTestDb();
  smtp = await startSmtpSink();
  Object.assign(process.env, { SMTP_URL: smtp.url, APP_URL });
  resetEnvCache();
  setJobSender({ send: async () => {} }); // delivery is driven by the test (deliverEmail), like the job would
});
afterAll(async () => {
  setJobSender(null);
  await smtp?.stop();
  await t?.drop();
});

/** Records `content` to one fresh address, delivers it over SMTP and returns the parsed message. */
async function sendAndReceive(orgId: string, kind: string, content: EmailContent) {
  const to = `${kind}-${Math.random().toString(36).slice(2)}@example.test`;
  const [id] = await recordEmail(t.db, { orgId, kind, content, dedupeKey: `test:${to}`, to: [to] });
  expect(await deliverEmail(t.db, id!)).toBe("sent");
  const msg = await eventually(async () => smtp.messages.find((m) => m.to.includes(to)));
  return parseMail(msg.raw);
}

describe("billing emails over real SMTP (react-email: HTML + text)", async () => {
  const org = { name: "Acme Voice", slug: "acme-mail" };
  const billingUrl = `${APP_URL}/${org.slug}/settings/billing`;
  const cases: { kind: string; content: () => Promise<EmailContent>; subject: string; lines: string[]; links?: string[]; manage?: string }[] = [
    {
      kind: "recharge_succeeded",
      content: () =>
        tpl.rechargeSucceededEmail({
          orgName: org.name,
          trigger: "auto",
          amountCents: 2000,
          currency: "usd",
          credits: 1000,
          newBalance: 1180,
          previousBalance: 180,
          threshold: 200,
          billingUrl,
        }),
      subject: "Auto-recharge successful: 1,000 credits added",
      lines: [
        "Auto-recharge successful for Acme Voice.",
        "Amount charged: $20.00",
        "Credits added: 1,000",
        "New balance: 1,180 credits",
        "Previous balance: 180 credits",
        "Trigger threshold: 200 credits",
      ],
    },
    {
      kind: "recharge_succeeded_manual",
      content: () =>
        tpl.rechargeSucceededEmail({
          orgName: org.name,
          trigger: "manual",
          amountCents: 6000,
          currency: "usd",
          credits: 3000,
          newBalance: 3000,
          previousBalance: null,
          threshold: null,
          billingUrl,
        }),
      subject: "Top-up successful: 3,000 credits added",
      lines: ["Top-up successful for Acme Voice.", "Amount charged: $60.00", "Credits added: 3,000", "New balance: 3,000 credits"],
    },
    {
      kind: "recharge_failed",
      content: () => tpl.rechargeFailedEmail({ orgName: org.name, amountCents: 2000, currency: "usd", reason: "Your card was declined.", billingUrl }),
      subject: "Payment failed: we could not recharge Acme Voice",
      lines: [
        "We tried to charge $20.00 to add credits to Acme Voice, but the payment failed.",
        "Reason: Your card was declined.",
        "What to do: update your payment method",
      ],
    },
    {
      kind: "verification_needed",
      content: () =>
        tpl.verificationNeededEmail({ orgName: org.name, amountCents: 2000, currency: "usd", verifyUrl: `${billingUrl}/verify/att_1`, billingUrl }),
      subject: "Action required: verify a $20.00 payment",
      lines: ["Your bank requires you to verify a payment of $20.00 for Acme Voice.", `Complete verification: ${billingUrl}/verify/att_1`],
      links: [`${billingUrl}/verify/att_1`],
    },
    {
      kind: "still_low",
      content: () => tpl.stillLowEmail({ orgName: org.name, balance: 150, threshold: 1200, billingUrl }),
      subject: "Balance still low for Acme Voice",
      lines: ["still below the auto-recharge threshold", "Balance: 150 credits", "Threshold: 1,200 credits"],
    },
    {
      kind: "auto_recharge_disabled",
      content: () =>
        tpl.autoRechargeDisabledEmail({ orgName: org.name, message: "Auto-recharge was disabled after multiple failed payment attempts.", billingUrl }),
      subject: "Auto-recharge disabled for Acme Voice",
      lines: ["Auto-recharge was disabled after multiple failed payment attempts."],
    },
    {
      kind: "spending_alert",
      content: () => tpl.spendingAlertEmail({ orgName: org.name, spentCents: 8000, limitCents: 10000, percent: 80, currency: "usd", billingUrl }),
      subject: "Spending alert: 80% of the monthly limit used by Acme Voice",
      lines: ["has spent $80.00 of its $100.00 monthly limit", "auto-recharge pauses until next month"],
    },
    {
      kind: "top_up_request",
      content: () => tpl.topUpRequestEmail({ orgName: org.name, requesterEmail: "ed@acme.test", note: "Big batch tonight", billingUrl }),
      subject: "ed@acme.test asks for a credit top-up for Acme Voice",
      lines: ["ed@acme.test (editor) asks you to add credits to Acme Voice.", "Note: Big batch tonight"],
    },
    {
      kind: "webhook_endpoint_disabled",
      content: () =>
        webhookEndpointDisabledEmail({
          orgName: org.name,
          url: "https://hooks.acme.test/x",
          reason: "HTTP 503",
          developersUrl: `${APP_URL}/${org.slug}/settings/developers`,
        }),
      subject: "Webhook endpoint disabled for Acme Voice",
      lines: ["We disabled the webhook endpoint https://hooks.acme.test/x of Acme Voice", "Last error: HTTP 503"],
      manage: `Manage webhooks: ${APP_URL}/${org.slug}/settings/developers`,
    },
  ];

  it.each(cases)("$kind: subject, text and HTML parts, absolute links to the org's Billing page", async (c) => {
    const o = await makeOrg(t.db, { slug: `${org.slug}-${Math.random().toString(36).slice(2, 8)}` });
    const mail = await sendAndReceive(o.id, c.kind, await c.content());
    expect(mail.subject).toBe(c.subject);
    for (const line of c.lines) expect(mail.text).toContain(line);
    const manage = c.manage ?? `Manage billing: ${billingUrl}`;
    expect(mail.text).toContain(manage);
    expect(mail.text).not.toMatch(/<[a-z]/i); // no markup in the text part
    expect(mail.html).toMatch(/^<!DOCTYPE html/);
    // the HTML as a reader sees it: React's text separators and tags stripped, entities decoded
    const htmlText = mail.html
      .replace(/<!--.*?-->/g, "")
      .replace(/<[^>]+>/g, "")
      .replace(/&amp;/g, "&")
      .replace(/&#x27;|&#39;/g, "'")
      .replace(/&quot;/g, '"');
    expect(htmlText).toContain("Refill · Acme Voice"); // the layout's org line
    expect(htmlText).toContain(manage);
    for (const line of c.lines) expect(htmlText).toContain(line);
    const hrefs = hrefsOf(mail.html);
    expect(hrefs).toContain(manage.split(": ")[1]);
    for (const link of c.links ?? []) expect(hrefs).toContain(link);
    for (const href of hrefs) expect(href.startsWith(`${APP_URL}/`)).toBe(true);
    const [row] = await t.sql`SELECT status, html FROM outgoing_emails WHERE org_id = ${o.id}`;
    expect(row).toMatchObject({ status: "sent" });
    expect(row!.html).toContain(manage.split(":")[0]);
  });

  it("the preview page's samples cover every template function", async () => {
    const previews = emailPreviews(APP_URL);
    const functions = Object.keys(tpl).filter((k) => k.endsWith("Email"));
    expect(previews.length).toBeGreaterThanOrEqual(functions.length + 1); // + the webhook email
    for (const p of previews) {
      const content = await p.render();
      expect(content.subject.length).toBeGreaterThan(0);
      expect(content.html).toMatch(/Manage (billing|webhooks|API keys)/);
      expect(content.text).toMatch(/Manage (billing|webhooks|API keys): http/);
    }
  });
});
