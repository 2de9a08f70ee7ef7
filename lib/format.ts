/** Display formatting only (integers in, strings out). */
const credits = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

export function formatCredits(n: number): string {
  return credits.format(n);
}

export function formatDate(d: Date | string | null | undefined, timeZone = "UTC"): string {
  if (!d) return "—";
  return new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone }).format(new Date(d));
}

export function formatDateTime(d: Date | string | null | undefined, timeZone = "UTC"): string {
  if (!d) return "—";
  return new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone }).format(new Date(d));
}
