/** How the Dashboard writes numbers and times. */
import type { BoundedCount } from '../api';

const whole = new Intl.NumberFormat('en');
const oneDecimal = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });
const twoDecimals = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });

/** 12,345 */
export function formatCount(value: number): string {
  return whole.format(value);
}

/** 12,345, or "more than 100,000" for a count that stopped at its bound. */
export function formatBounded(value: BoundedCount): string {
  return value.atLeast ? `more than ${whole.format(value.count - 1)}` : whole.format(value.count);
}

/** 3.2, or 0.04 below 1 (a quiet server's average would read 0 otherwise). */
export function formatRate(value: number): string {
  return value < 1 ? twoDecimals.format(value) : oneDecimal.format(value);
}

/** "12 s ago", "5 min ago", "3 h ago", or the date. */
export function formatAgo(iso: string, now: number): string {
  const seconds = Math.round((now - Date.parse(iso)) / 1000);
  if (!Number.isFinite(seconds)) return iso;
  if (seconds < 60) return `${Math.max(0, seconds)} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return new Date(iso).toLocaleDateString('en', { year: 'numeric', month: 'short', day: 'numeric' });
}

/** Local date and time, to the second. */
export function formatDateTime(iso: string): string {
  return new Date(iso).toLocaleString('en', { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}
