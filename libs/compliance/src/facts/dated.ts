/** Epoch milliseconds of an ISO instant the input schema has already checked. */
export function instant(iso: string): number {
  return Date.parse(iso);
}

/**
 * `at` minus calendar months, counted in UTC (never the host's zone), the day clamped to
 * the end of a shorter month (like date-fns `subMonths`): 2026-08-31 − 18 months = 2025-02-28.
 */
export function monthsBefore(at: number, months: number): number {
  const date = new Date(at);
  const monthIndex = date.getUTCMonth() - months;
  const year = date.getUTCFullYear() + Math.floor(monthIndex / 12);
  const month = ((monthIndex % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return Date.UTC(
    year,
    month,
    Math.min(date.getUTCDate(), lastDay),
    date.getUTCHours(),
    date.getUTCMinutes(),
    date.getUTCSeconds(),
    date.getUTCMilliseconds(),
  );
}

/** ISO 8601 in UTC, without milliseconds when they are zero: 2026-03-10T13:00:00Z. */
export function formatInstant(t: number): string {
  return new Date(t).toISOString().replace('.000Z', 'Z');
}
