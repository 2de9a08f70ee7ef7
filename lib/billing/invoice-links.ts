/**
 * The stable Refill link of a purchase's invoice (`purchaseId` = recharge attempt id or Checkout Session id):
 * a member-only route that redirects to Stripe's hosted invoice, or to the charge's receipt until the invoice
 * exists. Emails and the history link here, so a link sent before the invoice was issued still works. Pure.
 */
export function invoiceLinkPath(orgSlug: string, purchaseId: string): string {
  return `/${orgSlug}/settings/billing/invoices/${encodeURIComponent(purchaseId)}`;
}

/** The invoice line's description for an off-session purchase. */
export function purchaseDescription(p: { trigger: "auto" | "manual"; credits: number }): string {
  return `${new Intl.NumberFormat("en-US").format(p.credits)} credits (${p.trigger === "auto" ? "Auto-recharge" : "Top Up Now"})`;
}
