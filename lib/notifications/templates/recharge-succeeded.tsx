import { formatCredits, formatMoney } from "@/lib/billing/money";
import { Action, Details, EmailLayout, Paragraph } from "./layout";

export interface RechargeSucceededProps {
  orgName: string;
  trigger: "auto" | "manual";
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

export const rechargeSucceededTitle = (p: Pick<RechargeSucceededProps, "trigger">) => (p.trigger === "auto" ? "Auto-recharge successful" : "Top-up successful");

export function RechargeSucceededEmail(p: RechargeSucceededProps) {
  const title = rechargeSucceededTitle(p);
  const rows: [string, string][] = [
    ["Amount charged", formatMoney(p.amountCents, p.currency)],
    ...(p.cardLabel
      ? [["Card charged", `${p.cardLabel}${p.backupAfterDecline ? " (your backup card: the default card was declined)" : ""}`] as [string, string]]
      : []),
    ["Credits added", formatCredits(p.credits)],
    ["New balance", `${formatCredits(p.newBalance)} credits`],
  ];
  if (p.previousBalance !== null) rows.push(["Previous balance", `${formatCredits(p.previousBalance)} credits`]);
  if (p.threshold !== null) rows.push(["Trigger threshold", `${formatCredits(p.threshold)} credits`]);
  return (
    <EmailLayout orgName={p.orgName} billingUrl={p.billingUrl} heading={title} preview={`${formatCredits(p.credits)} credits added to ${p.orgName}`}>
      <Paragraph>
        {title} for {p.orgName}.
      </Paragraph>
      <Details rows={rows} />
      {p.invoiceUrl ? <Action label="View invoice" href={p.invoiceUrl} /> : null}
    </EmailLayout>
  );
}
