import { formatMoney } from "@/lib/billing/money";
import { Action, Details, EmailLayout, Paragraph } from "./layout";

export interface RechargeFailedProps {
  orgName: string;
  amountCents: number;
  currency: string;
  reason: string;
  billingUrl: string;
}

export function RechargeFailedEmail(p: RechargeFailedProps) {
  const amount = formatMoney(p.amountCents, p.currency);
  return (
    <EmailLayout orgName={p.orgName} billingUrl={p.billingUrl} heading="Payment failed" preview={`We could not charge ${amount} for ${p.orgName}`}>
      <Paragraph>
        We tried to charge {amount} to add credits to {p.orgName}, but the payment failed.
      </Paragraph>
      <Details rows={[["Reason", p.reason]]} />
      <Paragraph>What to do: update your payment method on the Billing page, then retry.</Paragraph>
      <Action label="Update payment method" href={p.billingUrl} />
    </EmailLayout>
  );
}
