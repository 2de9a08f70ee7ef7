/** Display formatting only (integers in, strings out). Money and credits: lib/billing/money. */
export { formatCredits } from "@/lib/billing/money";

export function formatDate(d: Date | string | null | undefined, timeZone = "UTC"): string {
  if (!d) return "—";
  return new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone }).format(new Date(d));
}

export function formatDateTime(d: Date | string | null | undefined, timeZone = "UTC"): string {
  if (!d) return "—";
  return new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone }).format(new Date(d));
}

/** "2:05 PM" in the org's time zone. */
export function formatTime(d: Date | string, timeZone = "UTC"): string {
  return new Intl.DateTimeFormat("en-US", { timeStyle: "short", timeZone }).format(new Date(d));
}
