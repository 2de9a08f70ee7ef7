import { formatCredits, formatMoney } from "@/lib/billing/money";
import { Action, Details, EmailLayout, Paragraph } from "./layout";

export interface CreditsTakenBackProps {
  orgName: string;
  cause: "refund" | "dispute" | "dispute_lost" | "dispute_won";
  credits: number;
  amountCents: number;
  currency: string;
  chargeId: string;
  /** credits owed after it (the balance below zero) */
  overdraft: number;
  billingUrl: string;
}

/** A refund or a dispute took a purchase's credits back (or, a dispute won, returned them). */
export function CreditsTakenBackEmail(p: CreditsTakenBackProps) {
  const money = formatMoney(p.amountCents, p.currency);
  const won = p.cause === "dispute_won";
  const why =
    p.cause === "refund"
      ? `The ${money} payment (${p.chargeId}) was refunded`
      : p.cause === "dispute"
        ? `The ${money} payment (${p.chargeId}) is disputed by the card holder's bank, which withdrew the funds`
        : `The dispute of the ${money} payment (${p.chargeId}) was lost`;
  return (
    <EmailLayout
      orgName={p.orgName}
      billingUrl={p.billingUrl}
      heading={won ? "Dispute won: credits returned" : "Credits taken back"}
      preview={won ? `${formatCredits(p.credits)} credits are available again` : `${formatCredits(p.credits)} credits taken back for ${p.chargeId}`}
    >
      <Paragraph>
        {won
          ? `The dispute of the ${money} payment (${p.chargeId}) was decided in your favour: the ${formatCredits(p.credits)} credits taken back are available again.`
          : `${why}, so the ${formatCredits(p.credits)} credits it bought were taken back from ${p.orgName}.`}
      </Paragraph>
      <Details
        rows={[
          ["Payment", `${money} (${p.chargeId})`],
          [won ? "Credits returned" : "Credits taken back", formatCredits(p.credits)],
          ...(p.overdraft > 0 ? ([["Owed", `${formatCredits(p.overdraft)} credits`]] as [string, string][]) : []),
        ]}
      />
      {!won && p.overdraft > 0 ? (
        <Paragraph>{`Those credits had already been used: the balance is ${formatCredits(p.overdraft)} credits below zero. Usage is refused until the balance is positive again; the next purchase pays this first.`}</Paragraph>
      ) : null}
      {p.cause === "dispute" ? <Paragraph>If the dispute is decided in your favour, the credits come back.</Paragraph> : null}
      <Action label={!won && p.overdraft > 0 ? "Buy credits" : "Open billing"} href={p.billingUrl} />
    </EmailLayout>
  );
}
