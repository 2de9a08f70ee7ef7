import { formatMoney } from "@/lib/billing/money";
import { Action, EmailLayout, Paragraph } from "./layout";

export interface VerificationNeededProps {
  orgName: string;
  amountCents: number;
  currency: string;
  verifyUrl: string;
  billingUrl: string;
}

export function VerificationNeededEmail(p: VerificationNeededProps) {
  const amount = formatMoney(p.amountCents, p.currency);
  return (
    <EmailLayout orgName={p.orgName} billingUrl={p.billingUrl} heading="Verify your payment" preview={`Your bank asks you to verify a ${amount} payment`}>
      <Paragraph>
        Your bank requires you to verify a payment of {amount} for {p.orgName}. The credits are added as soon as the verification completes.
      </Paragraph>
      <Action label="Complete verification" href={p.verifyUrl} />
    </EmailLayout>
  );
}
