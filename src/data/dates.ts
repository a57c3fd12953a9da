/** ISO calendar dates (YYYY-MM-DD) as used everywhere in mizan: compared as strings, validated strictly. */

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** True for a real calendar date in YYYY-MM-DD form (rejects 2024-02-30). */
export function isIsoDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

export function assertIsoDate(value: string, what: string): void {
  if (!isIsoDate(value)) throw new RangeError(`${what} must be a date as YYYY-MM-DD, got "${value}"`);
}

/** `date` shifted by `days` calendar days. */
export function addDays(date: string, days: number): string {
  const parsed = new Date(`${date}T00:00:00Z`);
  parsed.setUTCDate(parsed.getUTCDate() + days);
  return parsed.toISOString().slice(0, 10);
}

/** Throws unless both ends are valid dates and start <= end. */
export function assertDateRange(range: { start: string; end: string }): void {
  assertIsoDate(range.start, 'range start');
  assertIsoDate(range.end, 'range end');
  if (range.start > range.end) throw new RangeError(`range start ${range.start} is after its end ${range.end}`);
}
