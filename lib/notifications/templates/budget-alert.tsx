import { formatCredits } from "@/lib/billing/money";
import { Action, Details, EmailLayout, Paragraph } from "./layout";

export interface BudgetAlertProps {
  orgName: string;
  keyName: string;
  level: 80 | 100;
  used: number;
  credits: number;
  period: "day" | "week" | "month";
  resetsAt: string;
  apiKeysUrl: string;
}

/** An API key's budget reached 80 % or 100 % of its credits this period. */
export function BudgetAlertEmail(p: BudgetAlertProps) {
  return (
    <EmailLayout
      orgName={p.orgName}
      billingUrl={p.apiKeysUrl}
      manage={{ label: "Manage API keys", url: p.apiKeysUrl }}
      heading={p.level === 100 ? "API key budget used up" : "API key budget alert"}
      preview={`${p.keyName}: ${formatCredits(p.used)} of ${formatCredits(p.credits)} credits this ${p.period}`}
    >
      <Paragraph>{`The API key “${p.keyName}” of ${p.orgName} has used ${formatCredits(p.used)} of its ${formatCredits(p.credits)}-credit budget this ${p.period}.`}</Paragraph>
      <Details
        rows={[
          ["Used", `${formatCredits(p.used)} credits`],
          ["Budget", `${formatCredits(p.credits)} credits per ${p.period}`],
          ["Resets", p.resetsAt],
        ]}
      />
      <Paragraph>
        {p.level === 100
          ? `Usage with this key is refused (402 budget_exceeded) until the budget resets on ${p.resetsAt}.`
          : `At 100%, usage with this key is refused until the budget resets on ${p.resetsAt}.`}
      </Paragraph>
      <Action label="Change the budget" href={p.apiKeysUrl} />
    </EmailLayout>
  );
}
