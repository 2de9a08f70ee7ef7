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
  if (kind === "canceled")
    return (
      <Alert tone="info" role="status" title="Checkout canceled">
        Nothing was charged.
      </Alert>
    );
  if (kind === "setup")
    return (
      <Alert tone="success" role="status" title={pending ? "Card saved — updating your payment method…" : "Payment method updated"} testId="checkout-return" />
    );
  if (kind === "upgrade")
    return (
      <Alert tone="success" role="status" title={pending ? "Subscription received — activating your plan…" : "Your plan is active"} testId="checkout-return" />
    );
  return (
    <Alert
      tone="success"
      role="status"
      testId="checkout-return"
      title={pending ? "Payment received — your credits are being added" : "Payment received — your credits were added"}
    >
      {pending ? "This takes a few seconds; this page updates by itself." : null}
    </Alert>
  );
}

/** Back from "Complete verification" (3-D Secure): what happened to the payment. */
export function VerificationReturnBanner({ status }: { status: string }) {
  if (status === "succeeded") return <Alert tone="success" role="status" testId="verify-return" title="Verification complete — your credits were added" />;
  if (status === "processing" || status === "pending")
    return (
      <Alert tone="info" role="status" testId="verify-return" title="Verification complete — the payment is processing">
        Credits are added as soon as it completes.
      </Alert>
    );
  if (status === "requires_action")
    return (
      <Alert tone="warning" role="status" testId="verify-return" title="Verification not finished">
        The payment still needs verification. Use “Complete verification” to try again.
      </Alert>
    );
  if (status === "forbidden")
    return <Alert tone="warning" role="status" testId="verify-return" title="Only the organization owner can complete verification" />;
  if (status === "failed" || status === "canceled")
    return (
      <Alert tone="danger" role="status" testId="verify-return" title="Verification failed — nothing was charged">
        Try again or update your payment method.
      </Alert>
    );
  return (
    <Alert tone="danger" role="status" testId="verify-return" title="We couldn't complete the verification">
      Please try again in a few minutes.
    </Alert>
  );
}
