import type { EmailContent } from "./emails";

/** Plain-text email of outgoing webhooks (pure), in the style of ./templates. Links are absolute (APP_URL). */
export function webhookEndpointDisabledEmail(p: { orgName: string; url: string; reason: string; developersUrl: string }): EmailContent {
  return {
    subject: `Webhook endpoint disabled for ${p.orgName}`,
    text: [
      `We disabled the webhook endpoint ${p.url} of ${p.orgName}: its deliveries have failed for 5 days.`,
      ``,
      `Last error: ${p.reason}`,
      ``,
      `What to do: fix the endpoint, then enable it again on the Developers page. Events from now on are delivered again;`,
      `use "Resend" in the delivery log for the ones it missed.`,
      ``,
      `Manage webhooks: ${p.developersUrl}`,
      ``,
      `— Refill`,
    ].join("\n"),
  };
}
