import { UNCONFIRMED_RECHARGE_MESSAGE, type AutoRechargeStatus } from "@/lib/billing/auto-recharge-status";
import { formatDate, formatDateTime, formatTime } from "@/lib/format";

type StatusTone = "success" | "warning" | "danger" | "neutral" | "info";

/** The auto-recharge status in words, with a tone for its badge. */
export function describeStatus(
  status: AutoRechargeStatus,
  opts: { monthEndsAt: Date; timeZone: string; unconfirmed?: boolean; retryAt?: Date | null },
): { label: string; detail: string; tone: StatusTone } {
  const until = formatDate(opts.monthEndsAt, opts.timeZone);
  switch (status) {
    case "active":
      return { label: "Active", detail: "Auto-recharge is on and will recharge when your balance falls below the threshold.", tone: "success" };
    case "recharging":
      return opts.unconfirmed
        ? { label: "Confirming payment", detail: `${UNCONFIRMED_RECHARGE_MESSAGE} The credits are added as soon as it does.`, tone: "info" }
        : { label: "Recharging", detail: "A recharge is in progress; the credits are added as soon as the payment succeeds.", tone: "info" };
    case "off":
      return { label: "Off", detail: "Auto-recharge is off. When your balance runs out, usage is refused until you buy credits.", tone: "neutral" };
    case "paused_monthly_cap":
      return {
        label: `Paused until ${until}`,
        detail: `You've reached your monthly auto-reload limit. Auto-reload is paused until next month (${until}).`,
        tone: "warning",
      };
    case "paused_spending_limit":
      return {
        label: `Paused until ${until}`,
        detail: `You've reached your monthly spending limit. Auto-reload is paused until next month (${until}).`,
        tone: "warning",
      };
    case "disabled_after_failures":
      return {
        label: "Disabled after failed payments",
        detail: "Auto-recharge was disabled after multiple failed payment attempts. Please update your payment method and re-enable.",
        tone: "danger",
      };
    case "needs_payment_method":
      return { label: "Needs a payment method", detail: "A payment method is required to enable auto-recharge. Add a card below.", tone: "danger" };
    case "needs_subscription":
      return { label: "Needs an active subscription", detail: "An active subscription is required to enable auto-recharge.", tone: "danger" };
    case "backing_off":
      return {
        label: opts.retryAt ? `Retrying at ${formatTime(opts.retryAt, opts.timeZone)}` : "Waiting to retry",
        detail: `The last auto-recharge was declined. The next try is ${opts.retryAt ? `at ${formatDateTime(opts.retryAt, opts.timeZone)}` : "soon"} — or update your card or press Retry now.`,
        tone: "warning",
      };
    case "requires_action":
      return { label: "Waiting for verification", detail: "A recharge is waiting for you to complete verification with your bank.", tone: "warning" };
    case "not_available_on_plan":
      return { label: "Not available on Free", detail: "Auto-reload not available on Free plan", tone: "neutral" };
  }
}
