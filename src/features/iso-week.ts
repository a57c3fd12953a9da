/** ISO (Monday-based) calendar weeks of YYYY-MM-DD dates, computed in UTC so time zones never shift a day. */

const DAY_MS = 86_400_000;

function toUtcMs(date: string): number {
  const ms = Date.parse(`${date}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(ms)) throw new Error(`not a YYYY-MM-DD date: ${date}`);
  return ms;
}

function fromUtcMs(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The Monday of the ISO week containing `date`: the key that identifies the week. */
export function isoWeekMonday(date: string): string {
  const ms = toUtcMs(date);
  const daysSinceMonday = (new Date(ms).getUTCDay() + 6) % 7;
  return fromUtcMs(ms - daysSinceMonday * DAY_MS);
}
