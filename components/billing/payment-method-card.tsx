import type { ReactNode } from "react";
import { Card } from "@/components/ui/card";
import type { CardSummary } from "@/lib/queries/billing-page";
import { RedirectButton, type RedirectAction } from "./redirect-button";

function brandName(brand: string): string {
  const names: Record<string, string> = { visa: "Visa", mastercard: "Mastercard", amex: "American Express", discover: "Discover" };
  return names[brand] ?? brand.charAt(0).toUpperCase() + brand.slice(1);
}

export function cardLabel(card: CardSummary): string {
  return `${brandName(card.brand)} •••• ${card.last4}`;
}

/** The default card (brand, last4, expiry) or "No payment method"; Add / Update card; the backup card below. */
export function PaymentMethodCard({
  card,
  action,
  disabledReason,
  backup,
}: {
  card: CardSummary | null;
  action?: RedirectAction;
  disabledReason?: string;
  /** the backup-card chooser */
  backup?: ReactNode;
}) {
  return (
    <Card id="payment-method" title="Payment method" description="Used for auto-recharge and Top Up Now.">
      <div className="flex flex-col items-start gap-4">
        {card ? (
          <div className="flex items-center gap-3" data-testid="payment-method">
            <span
              aria-hidden
              className="flex h-9 w-14 items-center justify-center rounded-md border border-slate-200 bg-slate-50 text-xs font-semibold uppercase text-slate-700"
            >
              {card.brand.slice(0, 4)}
            </span>
            <div>
              <p className="font-medium text-slate-900">{cardLabel(card)}</p>
              <p className="text-sm text-slate-600">
                Expires {card.expMonth ? String(card.expMonth).padStart(2, "0") : "??"}/{card.expYear ?? "??"}
              </p>
            </div>
          </div>
        ) : (
          <div data-testid="payment-method">
            <p className="font-medium text-slate-900">No payment method</p>
            <p className="text-sm text-slate-600">Add a card to enable auto-recharge and Top Up Now.</p>
          </div>
        )}
        <RedirectButton
          label={card ? "Update card" : "Add card"}
          variant={card ? "secondary" : "primary"}
          action={action}
          disabledReason={disabledReason}
          testId="card-button"
        />
        {backup}
      </div>
    </Card>
  );
}
