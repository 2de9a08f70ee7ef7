import { formatCredits, formatMoney } from "@/lib/billing/money";
import type { EmailContent } from "./emails";

/** Plain-text billing emails (pure). Links are absolute (APP_URL). */
const footer = (billingUrl: string) => `\n\nManage billing: ${billingUrl}\n\n— Refill`;

export function rechargeSucceededEmail(p: {
  orgName: string;
  trigger: "auto" | "manual";
  amountCents: number;
  currency: string;
  credits: number;
  newBalance: number;
  previousBalance: number | null;
  threshold: number | null;
  billingUrl: string;
  /** the purchase's stable invoice link (redirects to the invoice, or the receipt until it is issued) */
  invoiceUrl?: string;
}): EmailContent {
  const what = p.trigger === "auto" ? "Auto-recharge successful" : "Top-up successful";
  const lines = [
    `${what} for ${p.orgName}.`,
    ``,
    `Amount charged: ${formatMoney(p.amountCents, p.currency)}`,
    `Credits added: ${formatCredits(p.credits)}`,
    `New balance: ${formatCredits(p.newBalance)} credits`,
  ];
  if (p.previousBalance !== null) lines.push(`Previous balance: ${formatCredits(p.previousBalance)} credits`);
  if (p.threshold !== null) lines.push(`Trigger threshold: ${formatCredits(p.threshold)} credits`);
  if (p.invoiceUrl) lines.push(``, `View invoice: ${p.invoiceUrl}`);
  return { subject: `${what}: ${formatCredits(p.credits)} credits added`, text: lines.join("\n") + footer(p.billingUrl) };
}

export function rechargeFailedEmail(p: { orgName: string; amountCents: number; currency: string; reason: string; billingUrl: string }): EmailContent {
  return {
    subject: `Payment failed: we could not recharge ${p.orgName}`,
    text:
      [
        `We tried to charge ${formatMoney(p.amountCents, p.currency)} to add credits to ${p.orgName}, but the payment failed.`,
        ``,
        `Reason: ${p.reason}`,
        ``,
        `What to do: update your payment method on the Billing page, then retry.`,
      ].join("\n") + footer(p.billingUrl),
  };
}

export function verificationNeededEmail(p: { orgName: string; amountCents: number; currency: string; verifyUrl: string; billingUrl: string }): EmailContent {
  return {
    subject: `Action required: verify a ${formatMoney(p.amountCents, p.currency)} payment`,
    text:
      [
        `Your bank requires you to verify a payment of ${formatMoney(p.amountCents, p.currency)} for ${p.orgName}.`,
        `The credits are added as soon as the verification completes.`,
        ``,
        `Complete verification: ${p.verifyUrl}`,
      ].join("\n") + footer(p.billingUrl),
  };
}

export function stillLowEmail(p: { orgName: string; balance: number; threshold: number; billingUrl: string }): EmailContent {
  return {
    subject: `Balance still low for ${p.orgName}`,
    text:
      [
        `A recharge landed, but the balance of ${p.orgName} is still below the auto-recharge threshold.`,
        ``,
        `Balance: ${formatCredits(p.balance)} credits`,
        `Threshold: ${formatCredits(p.threshold)} credits`,
        ``,
        `Consider a larger recharge amount.`,
      ].join("\n") + footer(p.billingUrl),
  };
}

export function autoRechargeDisabledEmail(p: { orgName: string; message: string; billingUrl: string }): EmailContent {
  return { subject: `Auto-recharge disabled for ${p.orgName}`, text: p.message + footer(p.billingUrl) };
}

export function spendingAlertEmail(p: {
  orgName: string;
  spentCents: number;
  limitCents: number;
  percent: number;
  currency: string;
  billingUrl: string;
}): EmailContent {
  return {
    subject: `Spending alert: ${p.percent}% of the monthly limit used by ${p.orgName}`,
    text:
      [
        `Auto-recharge for ${p.orgName} has spent ${formatMoney(p.spentCents, p.currency)} of its ${formatMoney(p.limitCents, p.currency)} monthly limit.`,
        `When the limit is reached, auto-recharge pauses until next month.`,
      ].join("\n") + footer(p.billingUrl),
  };
}

export function topUpRequestEmail(p: { orgName: string; requesterEmail: string; note: string | null; billingUrl: string }): EmailContent {
  return {
    subject: `${p.requesterEmail} asks for a credit top-up for ${p.orgName}`,
    text: [`${p.requesterEmail} (editor) asks you to add credits to ${p.orgName}.`, p.note ? `\nNote: ${p.note}` : ""].join("\n") + footer(p.billingUrl),
  };
}

export function budgetAlertEmail(p: {
  orgName: string;
  keyName: string;
  level: 80 | 100;
  used: number;
  credits: number;
  period: "day" | "week" | "month";
  resetsAt: string;
  apiKeysUrl: string;
}): EmailContent {
  const reached = p.level === 100 ? "has used its whole budget" : `has used ${p.level}% of its budget`;
  return {
    subject: `API key “${p.keyName}” ${reached} (${p.orgName})`,
    text: [
      `The API key “${p.keyName}” of ${p.orgName} has used ${formatCredits(p.used)} of its ${formatCredits(p.credits)}-credit budget this ${p.period}.`,
      p.level === 100
        ? `Usage with this key is refused (402 budget_exceeded) until the budget resets on ${p.resetsAt}.`
        : `At 100%, usage with this key is refused until the budget resets on ${p.resetsAt}.`,
      ``,
      `Change the budget: ${p.apiKeysUrl}`,
      ``,
      `— Refill`,
    ].join("\n"),
  };
}
