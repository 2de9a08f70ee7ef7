import { Action, Details, EmailLayout, Paragraph } from "./layout";

export interface WebhookEndpointDisabledProps {
  orgName: string;
  url: string;
  reason: string;
  developersUrl: string;
}

export function WebhookEndpointDisabledEmail(p: WebhookEndpointDisabledProps) {
  return (
    <EmailLayout
      orgName={p.orgName}
      billingUrl={p.developersUrl}
      manage={{ label: "Manage webhooks", url: p.developersUrl }}
      heading="Webhook endpoint disabled"
      preview={`Deliveries to ${p.url} failed for 5 days`}
    >
      <Paragraph>{`We disabled the webhook endpoint ${p.url} of ${p.orgName}: its deliveries have failed for 5 days.`}</Paragraph>
      <Details rows={[["Last error", p.reason]]} />
      <Paragraph>
        What to do: fix the endpoint, then enable it again on the Developers page. Events from now on are delivered again; use &quot;Resend&quot; in the
        delivery log for the ones it missed.
      </Paragraph>
      <Action label="Open the Developers page" href={p.developersUrl} />
    </EmailLayout>
  );
}
