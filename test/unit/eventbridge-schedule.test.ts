import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../infra/config/config.ts';
import { nextFire, parseSchedule } from '../../src/schedules/eventbridge-schedule.ts';

const next = (expression: string, after: string) => nextFire(parseSchedule(expression), new Date(after))?.toISOString();

describe('EventBridge schedule expressions, evaluated in UTC', () => {
  it('fires the default schedules on Sundays at 04:00 and 16:00 UTC', () => {
    // 2026-01-03 is a Saturday, 2026-01-04 a Sunday.
    expect(next(DEFAULTS.forecasterSchedule, '2026-01-03T12:00:00Z')).toBe('2026-01-04T04:00:00.000Z');
    expect(next(DEFAULTS.forecasterSchedule, '2026-01-04T04:00:00Z')).toBe('2026-01-11T04:00:00.000Z'); // strictly after
    expect(next(DEFAULTS.forecasterSchedule, '2026-01-04T03:59:59Z')).toBe('2026-01-04T04:00:00.000Z');
    expect(next(DEFAULTS.finetuneSchedule, '2026-01-04T04:00:00Z')).toBe('2026-01-04T16:00:00.000Z');
    expect(next('cron(0 3 ? * MON *)', '2026-01-04T04:00:00Z')).toBe('2026-01-05T03:00:00.000Z');
  });

  it('reads values, ranges, steps, lists, names, days of month and years', () => {
    expect(next('cron(*/15 * * * ? *)', '2026-01-04T04:07:00Z')).toBe('2026-01-04T04:15:00.000Z');
    expect(next('cron(5,35 9-17/4 ? * MON-FRI *)', '2026-01-03T00:00:00Z')).toBe('2026-01-05T09:05:00.000Z'); // Saturday → Monday
    expect(next('cron(5,35 9-17/4 ? * MON-FRI *)', '2026-01-05T09:05:00Z')).toBe('2026-01-05T09:35:00.000Z');
    expect(next('cron(5,35 9-17/4 ? * MON-FRI *)', '2026-01-05T09:35:00Z')).toBe('2026-01-05T13:05:00.000Z');
    expect(next('cron(0 12 31 * ? *)', '2026-02-01T00:00:00Z')).toBe('2026-03-31T12:00:00.000Z'); // February has no 31st
    expect(next('cron(0 0 1 JAN ? 2028)', '2026-06-01T00:00:00Z')).toBe('2028-01-01T00:00:00.000Z');
    expect(next('cron(0 0 1 JAN ? 2027)', '2027-01-01T00:00:00Z')).toBeUndefined(); // never again
    expect(next('cron(0 6 ? * 1 *)', '2026-01-03T00:00:00Z')).toBe('2026-01-04T06:00:00.000Z'); // 1 = Sunday
  });

  it('reads rate expressions as an interval from the last fire', () => {
    expect(next('rate(7 days)', '2026-01-04T04:00:00Z')).toBe('2026-01-11T04:00:00.000Z');
    expect(next('rate(1 hour)', '2026-01-04T04:00:00Z')).toBe('2026-01-04T05:00:00.000Z');
  });

  it.each([
    ['0 4 * * 0', /not an EventBridge cron/],
    ['cron(0 4 * * SUN)', /6 fields/],
    ['cron(0 4 * * SUN *)', /exactly one of day-of-month and day-of-week must be \?/],
    ['cron(0 4 ? * ? *)', /exactly one of/],
    ['cron(0 4 L * ? *)', /uses L, W or #/],
    ['cron(0 4 ? * 6#3 *)', /uses L, W or #/],
    ['cron(60 4 ? * SUN *)', /minutes "60" is not within 0-59/],
    ['cron(0 4 ? * FUNDAY *)', /day-of-week "FUNDAY"/],
    ['cron(0 10-2 ? * SUN *)', /runs backwards/],
    ['cron(*/0 4 ? * SUN *)', /step "0" must be a positive/],
    ['rate(0 days)', /at least 1/],
  ])('refuses %s naming the problem', (expression, message) => {
    expect(() => parseSchedule(expression)).toThrow(message);
  });
});
