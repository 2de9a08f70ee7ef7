import type { EmailContent } from "./emails";
import * as tpl from "./templates";
import { webhookEndpointDisabledEmail } from "./webhook-emails";

const billingUrl = (appUrl: string) => `${appUrl}/acme/settings/billing`;

/** Every email kind with sample props, for the dev preview page (/dev/emails) and the template tests. */
export function emailPreviews(appUrl: string): { kind: string; render: () => Promise<EmailContent> }[] {
  const orgName = "Acme Voice";
  const url = billingUrl(appUrl);
  return [
    {
      kind: "recharge_succeeded",
      render: () =>
        tpl.rechargeSucceededEmail({
          orgName,
          trigger: "auto",
          amountCents: 2000,
          currency: "usd",
          credits: 1000,
          newBalance: 1180,
          previousBalance: 180,
          threshold: 200,
          billingUrl: url,
        }),
    },
    {
      kind: "recharge_failed",
      render: () => tpl.rechargeFailedEmail({ orgName, amountCents: 2000, currency: "usd", reason: "Your card was declined.", billingUrl: url }),
    },
    {
      kind: "verification_needed",
      render: () => tpl.verificationNeededEmail({ orgName, amountCents: 2000, currency: "usd", verifyUrl: `${url}/verify/sample-attempt`, billingUrl: url }),
    },
    { kind: "still_low", render: () => tpl.stillLowEmail({ orgName, balance: 150, threshold: 200, billingUrl: url }) },
    {
      kind: "auto_recharge_disabled",
      render: () =>
        tpl.autoRechargeDisabledEmail({
          orgName,
          message: "Auto-recharge was disabled after multiple failed payment attempts. Please update your payment method and re-enable.",
          billingUrl: url,
        }),
    },
    {
      kind: "spending_alert",
      render: () => tpl.spendingAlertEmail({ orgName, spentCents: 8000, limitCents: 10000, percent: 80, currency: "usd", billingUrl: url }),
    },
    {
      kind: "webhook_endpoint_disabled",
      render: () =>
        webhookEndpointDisabledEmail({
          orgName,
          url: "https://hooks.acme.test/refill",
          reason: "HTTP 503 from the endpoint",
          developersUrl: `${appUrl}/acme/settings/developers`,
        }),
    },
    {
      kind: "balance_low",
      render: () => tpl.balanceLowEmail({ orgName, available: 95, threshold: 100, autoRechargeEnabled: false, billingUrl: url }),
    },
    {
      kind: "balance_depleted",
      render: () => tpl.balanceDepletedEmail({ orgName, available: 0, threshold: 0, autoRechargeEnabled: true, billingUrl: url }),
    },
    {
      kind: "budget_alert",
      render: () =>
        tpl.budgetAlertEmail({
          orgName,
          keyName: "batch-agent",
          level: 80,
          used: 8000,
          credits: 10000,
          period: "month",
          resetsAt: "Jan 1, 2027, 12:00 AM (UTC)",
          apiKeysUrl: `${appUrl}/acme/settings/api-keys`,
        }),
    },
    {
      kind: "credits_taken_back",
      render: () =>
        tpl.creditsTakenBackEmail({
          orgName,
          cause: "dispute",
          credits: 1000,
          amountCents: 2000,
          currency: "usd",
          chargeId: "ch_sample",
          overdraft: 250,
          billingUrl: url,
        }),
    },
    { kind: "top_up_request", render: () => tpl.topUpRequestEmail({ orgName, requesterEmail: "editor@acme.test", note: null, billingUrl: url }) },
  ];
}
