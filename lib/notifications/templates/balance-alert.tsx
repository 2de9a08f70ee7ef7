import { formatCredits } from "@/lib/billing/money";
import { Action, Details, EmailLayout, Paragraph } from "./layout";

export interface BalanceAlertProps {
  orgName: string;
  /** the available balance (credits) when the alert fired */
  available: number;
  /** the alert threshold (credits); 0 for the depleted alert */
  threshold: number;
  /** whether auto-recharge is on (the advice differs) */
  autoRechargeEnabled: boolean;
  billingUrl: string;
}

/** `balance.low`: the available balance fell to or below one of the org's alert thresholds. */
export function BalanceLowEmail(p: BalanceAlertProps) {
  return (
    <EmailLayout orgName={p.orgName} billingUrl={p.billingUrl} heading="Low balance" preview={`${formatCredits(p.available)} credits left`}>
      <Paragraph>{`The balance of ${p.orgName} fell to ${formatCredits(p.available)} credits, at or below your alert threshold of ${formatCredits(p.threshold)} credits.`}</Paragraph>
      <Details
        rows={[
          ["Available balance", `${formatCredits(p.available)} credits`],
          ["Alert threshold", `${formatCredits(p.threshold)} credits`],
        ]}
      />
      <Paragraph>
        {p.autoRechargeEnabled
          ? "Auto-recharge is on: it buys credits when the balance falls below its own threshold."
          : "Auto-recharge is off: buy credits before the balance runs out, or turn auto-recharge on."}
      </Paragraph>
      <Action label="Buy credits" href={p.billingUrl} />
    </EmailLayout>
  );
}

/** `balance.depleted`: nothing left to use (available ≤ 0). */
export function BalanceDepletedEmail(p: BalanceAlertProps) {
  return (
    <EmailLayout orgName={p.orgName} billingUrl={p.billingUrl} heading="Out of credits" preview={`${p.orgName} has no credits left`}>
      <Paragraph>{`${p.orgName} has run out of credits: usage is refused until credits are added.`}</Paragraph>
      <Details rows={[["Available balance", `${formatCredits(p.available)} credits`]]} />
      <Paragraph>
        {p.autoRechargeEnabled ? "Auto-recharge is on: a recharge is on its way unless a limit or the card holds it back." : "Auto-recharge is off."}
      </Paragraph>
      <Action label="Buy credits" href={p.billingUrl} />
    </EmailLayout>
  );
}
