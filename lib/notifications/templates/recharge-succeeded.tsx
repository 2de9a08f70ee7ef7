import { formatCredits, formatMoney } from "@/lib/billing/money";
import { Action, Details, EmailLayout, Paragraph } from "./layout";

export interface RechargeSucceededProps {
  orgName: string;
  trigger: "auto" | "manual";
  /** an agency's auto allocation: the sub-account credited (the balances named are its own); null otherwise */
  creditedTo?: string | null;
  amountCents: number;
  currency: string;
  credits: number;
  newBalance: number;
  previousBalance: number | null;
  threshold: number | null;
  /** "Visa •••• 4242": the card charged */
  cardLabel?: string | null;
  /** charged on the backup card because the default card was declined */
  backupAfterDecline?: boolean;
  billingUrl: string;
  /** the purchase's stable invoice link (redirects to the invoice, or the receipt until it is issued) */
  invoiceUrl?: string;
}

export const rechargeSucceededTitle = (p: Pick<RechargeSucceededProps, "trigger" | "creditedTo">) =>
  p.creditedTo ? `Auto allocation for ${p.creditedTo} successful` : p.trigger === "auto" ? "Auto-recharge successful" : "Top-up successful";

export function RechargeSucceededEmail(p: RechargeSucceededProps) {
  const title = rechargeSucceededTitle(p);
  const rows: [string, string][] = [
    ["Amount charged", formatMoney(p.amountCents, p.currency)],
    ...(p.cardLabel
      ? [["Card charged", `${p.cardLabel}${p.backupAfterDecline ? " (your backup card: the default card was declined)" : ""}`] as [string, string]]
      : []),
    [p.creditedTo ? `Credits added to ${p.creditedTo}` : "Credits added", formatCredits(p.credits)],
    [p.creditedTo ? `${p.creditedTo}'s new balance` : "New balance", `${formatCredits(p.newBalance)} credits`],
  ];
  if (p.previousBalance !== null && !p.creditedTo) rows.push(["Previous balance", `${formatCredits(p.previousBalance)} credits`]);
  if (p.threshold !== null) rows.push(["Trigger threshold", `${formatCredits(p.threshold)} credits`]);
  return (
    <EmailLayout
      orgName={p.orgName}
      billingUrl={p.billingUrl}
      heading={title}
      preview={`${formatCredits(p.credits)} credits added to ${p.creditedTo ?? p.orgName}`}
    >
      <Paragraph>{p.creditedTo ? `${title}: charged to ${p.orgName}.` : `${title} for ${p.orgName}.`}</Paragraph>
      <Details rows={rows} />
      {p.invoiceUrl ? <Action label="View invoice" href={p.invoiceUrl} /> : null}
    </EmailLayout>
  );
}
