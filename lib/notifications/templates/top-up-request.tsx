import { Action, Details, EmailLayout, Paragraph } from "./layout";

export interface TopUpRequestProps {
  orgName: string;
  requesterEmail: string;
  note: string | null;
  billingUrl: string;
}

export function TopUpRequestEmail(p: TopUpRequestProps) {
  return (
    <EmailLayout orgName={p.orgName} billingUrl={p.billingUrl} heading="Top-up requested" preview={`${p.requesterEmail} asks for more credits`}>
      <Paragraph>
        {p.requesterEmail} (editor) asks you to add credits to {p.orgName}.
      </Paragraph>
      {p.note ? <Details rows={[["Note", p.note]]} /> : null}
      <Action label="Buy credits" href={p.billingUrl} />
    </EmailLayout>
  );
}
