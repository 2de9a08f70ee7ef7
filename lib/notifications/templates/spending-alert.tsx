import { formatMoney } from "@/lib/billing/money";
import { Details, EmailLayout, Paragraph } from "./layout";

export interface SpendingAlertProps {
  orgName: string;
  spentCents: number;
  limitCents: number;
  percent: number;
  currency: string;
  billingUrl: string;
}

export function SpendingAlertEmail(p: SpendingAlertProps) {
  const spent = formatMoney(p.spentCents, p.currency);
  const limit = formatMoney(p.limitCents, p.currency);
  return (
    <EmailLayout orgName={p.orgName} billingUrl={p.billingUrl} heading="Spending alert" preview={`${p.percent}% of the monthly limit used`}>
      <Paragraph>
        Auto-recharge for {p.orgName} has spent {spent} of its {limit} monthly limit.
      </Paragraph>
      <Details
        rows={[
          ["Spent this month", spent],
          ["Monthly limit", limit],
        ]}
      />
      <Paragraph>When the limit is reached, auto-recharge pauses until next month.</Paragraph>
    </EmailLayout>
  );
}
