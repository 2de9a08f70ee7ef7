import { createElement } from "react";
import { formatCredits, formatMoney } from "@/lib/billing/money";
import type { EmailContent } from "./emails";
import { BudgetAlertEmail, type BudgetAlertProps } from "./templates/budget-alert";
import { CreditsTakenBackEmail, type CreditsTakenBackProps } from "./templates/credits-taken-back";
import { BalanceDepletedEmail, BalanceLowEmail, type BalanceAlertProps } from "./templates/balance-alert";
import { AutoRechargeDisabledEmail, type AutoRechargeDisabledProps } from "./templates/auto-recharge-disabled";
import { RechargeFailedEmail, type RechargeFailedProps } from "./templates/recharge-failed";
import { RechargeSucceededEmail, rechargeSucceededTitle, type RechargeSucceededProps } from "./templates/recharge-succeeded";
import { renderEmail } from "./templates/render-email";
import { SpendingAlertEmail, type SpendingAlertProps } from "./templates/spending-alert";
import { StillLowEmail, type StillLowProps } from "./templates/still-low";
import { TopUpRequestEmail, type TopUpRequestProps } from "./templates/top-up-request";
import { VerificationNeededEmail, type VerificationNeededProps } from "./templates/verification-needed";

/**
 * Billing emails: one react-email component per kind (lib/notifications/templates/<kind>.tsx, shared
 * layout with the org's name and the "Manage billing" footer), rendered to an HTML and a plain-text part.
 * Links are absolute (APP_URL). Each function: props → subject + text + html.
 */
export function rechargeSucceededEmail(p: RechargeSucceededProps): Promise<EmailContent> {
  return renderEmail(`${rechargeSucceededTitle(p)}: ${formatCredits(p.credits)} credits added`, createElement(RechargeSucceededEmail, p));
}

export function rechargeFailedEmail(p: RechargeFailedProps): Promise<EmailContent> {
  return renderEmail(`Payment failed: we could not recharge ${p.orgName}`, createElement(RechargeFailedEmail, p));
}

export function verificationNeededEmail(p: VerificationNeededProps): Promise<EmailContent> {
  return renderEmail(`Action required: verify a ${formatMoney(p.amountCents, p.currency)} payment`, createElement(VerificationNeededEmail, p));
}

export function stillLowEmail(p: StillLowProps): Promise<EmailContent> {
  return renderEmail(`Balance still low for ${p.orgName}`, createElement(StillLowEmail, p));
}

export function autoRechargeDisabledEmail(p: AutoRechargeDisabledProps): Promise<EmailContent> {
  return renderEmail(`Auto-recharge disabled for ${p.orgName}`, createElement(AutoRechargeDisabledEmail, p));
}

export function spendingAlertEmail(p: SpendingAlertProps): Promise<EmailContent> {
  return renderEmail(`Spending alert: ${p.percent}% of the monthly limit used by ${p.orgName}`, createElement(SpendingAlertEmail, p));
}

export function topUpRequestEmail(p: TopUpRequestProps): Promise<EmailContent> {
  return renderEmail(`${p.requesterEmail} asks for a credit top-up for ${p.orgName}`, createElement(TopUpRequestEmail, p));
}

export function balanceLowEmail(p: BalanceAlertProps): Promise<EmailContent> {
  return renderEmail(`Low balance: ${formatCredits(p.available)} credits left for ${p.orgName}`, createElement(BalanceLowEmail, p));
}

export function balanceDepletedEmail(p: BalanceAlertProps): Promise<EmailContent> {
  return renderEmail(`Out of credits: ${p.orgName} has no credits left`, createElement(BalanceDepletedEmail, p));
}

export function budgetAlertEmail(p: BudgetAlertProps): Promise<EmailContent> {
  const reached = p.level === 100 ? "has used its whole budget" : `has used ${p.level}% of its budget`;
  return renderEmail(`API key “${p.keyName}” ${reached} (${p.orgName})`, createElement(BudgetAlertEmail, p));
}

export function creditsTakenBackEmail(p: CreditsTakenBackProps): Promise<EmailContent> {
  const subject =
    p.cause === "dispute_won"
      ? `Dispute won: ${formatCredits(p.credits)} credits returned to ${p.orgName}`
      : `${formatCredits(p.credits)} credits taken back from ${p.orgName}`;
  return renderEmail(subject, createElement(CreditsTakenBackEmail, p));
}
