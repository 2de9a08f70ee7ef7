import { Action, EmailLayout, Paragraph } from "./layout";

export interface AutoRechargeDisabledProps {
  orgName: string;
  message: string;
  billingUrl: string;
}

export function AutoRechargeDisabledEmail(p: AutoRechargeDisabledProps) {
  return (
    <EmailLayout orgName={p.orgName} billingUrl={p.billingUrl} heading="Auto-recharge disabled" preview={`Auto-recharge is off for ${p.orgName}`}>
      <Paragraph>{p.message}</Paragraph>
      <Action label="Review billing settings" href={p.billingUrl} />
    </EmailLayout>
  );
}
