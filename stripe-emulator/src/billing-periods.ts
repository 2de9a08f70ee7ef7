/** Calendar arithmetic for recurring prices (UTC, month ends clamped like Stripe). */
export interface Recurring {
  interval: 'day' | 'week' | 'month' | 'year';
  interval_count: number;
}

function addMonthsClamped(anchor: Date, months: number): Date {
  const target = new Date(Date.UTC(anchor.getUTCFullYear(), anchor.getUTCMonth() + months, 1, anchor.getUTCHours(), anchor.getUTCMinutes(), anchor.getUTCSeconds()));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(anchor.getUTCDate(), lastDay));
  return target;
}

/** End of period number `n` (1-based) after the billing cycle anchor. */
export function periodBoundary(anchorSeconds: number, recurring: Recurring, n: number): number {
  const anchor = new Date(anchorSeconds * 1000);
  const count = recurring.interval_count * n;
  switch (recurring.interval) {
    case 'day':
      return anchorSeconds + count * 86_400;
    case 'week':
      return anchorSeconds + count * 7 * 86_400;
    case 'month':
      return Math.floor(addMonthsClamped(anchor, count).getTime() / 1000);
    case 'year':
      return Math.floor(addMonthsClamped(anchor, count * 12).getTime() / 1000);
  }
}

export function formatMoney(amount: number, currency: string): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).format(amount / 100);
}
