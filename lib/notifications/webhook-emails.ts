import { createElement } from "react";
import type { EmailContent } from "./emails";
import { renderEmail } from "./templates/render-email";
import { WebhookEndpointDisabledEmail, type WebhookEndpointDisabledProps } from "./templates/webhook-endpoint-disabled";

/** Email of outgoing webhooks, in the style of ./templates (react-email, HTML + text). Links are absolute (APP_URL). */
export function webhookEndpointDisabledEmail(p: WebhookEndpointDisabledProps): Promise<EmailContent> {
  return renderEmail(`Webhook endpoint disabled for ${p.orgName}`, createElement(WebhookEndpointDisabledEmail, p));
}
