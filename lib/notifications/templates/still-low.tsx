import { formatCredits } from "@/lib/billing/money";
import { Details, EmailLayout, Paragraph } from "./layout";

export interface StillLowProps {
  orgName: string;
  balance: number;
  threshold: number;
  billingUrl: string;
}

export function StillLowEmail(p: StillLowProps) {
  return (
    <EmailLayout orgName={p.orgName} billingUrl={p.billingUrl} heading="Balance still low" preview={`${p.orgName} is still below its auto-recharge threshold`}>
      <Paragraph>A recharge landed, but the balance of {p.orgName} is still below the auto-recharge threshold.</Paragraph>
      <Details
        rows={[
          ["Balance", `${formatCredits(p.balance)} credits`],
          ["Threshold", `${formatCredits(p.threshold)} credits`],
        ]}
      />
      <Paragraph>Consider a larger recharge amount.</Paragraph>
    </EmailLayout>
  );
}
