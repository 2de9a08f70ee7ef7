import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { buttonClass } from "@/components/ui/button";

/** Balance at zero and no auto-recharge: usage is being refused, and how to fix it. */
export function ZeroBalanceBanner({ isOwner, autoRechargeAllowed }: { isOwner: boolean; autoRechargeAllowed: boolean }) {
  return (
    <Alert
      tone="danger"
      role="alert"
      testId="zero-balance-banner"
      title="You're out of credits — usage is being refused"
      actions={
        isOwner ? (
          <Link href="#credits" className={buttonClass("secondary", "py-1.5")}>
            Buy credits
          </Link>
        ) : null
      }
    >
      Your balance is 0 and auto-recharge is not on, so API calls get “402 Payment Required”.{" "}
      {isOwner
        ? autoRechargeAllowed
          ? "Buy credits now, or turn on auto-recharge below so this doesn't happen again."
          : "Buy credits now, or upgrade your plan to use auto-recharge."
        : "Ask an owner of this organization to top up."}
    </Alert>
  );
}

/** Back from Stripe Checkout: what happens next. */
export function CheckoutReturnBanner({ kind, pending }: { kind: "payment" | "setup" | "upgrade" | "canceled"; pending: boolean }) {
  if (kind === "canceled") return <Alert tone="info" role="status" title="Checkout canceled">Nothing was charged.</Alert>;
  if (kind === "setup") return <Alert tone="success" role="status" title={pending ? "Card saved — updating your payment method…" : "Payment method updated"} testId="checkout-return" />;
  if (kind === "upgrade") return <Alert tone="success" role="status" title={pending ? "Subscription received — activating your plan…" : "Your plan is active"} testId="checkout-return" />;
  return (
    <Alert tone="success" role="status" testId="checkout-return" title={pending ? "Payment received — your credits are being added" : "Payment received — your credits were added"}>
      {pending ? "This takes a few seconds; refresh to see your new balance." : null}
    </Alert>
  );
}
