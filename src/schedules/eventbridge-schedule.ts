/**
 * EventBridge schedule expressions, evaluated in UTC as EventBridge does, so a local scheduler fires
 * when the deployed rule would:
 * - `cron(minutes hours day-of-month month day-of-week year)`: each field `*`, a value, a range
 *   `a-b`, a step `*\/n` or `a/n` or `a-b/n`, or a comma list of those; months 1-12 or JAN-DEC;
 *   days of week 1-7 or SUN-SAT (1 = Sunday); one of day-of-month and day-of-week must be `?`.
 *   `L`, `W` and `#` are refused by name (no schedule here uses them).
 * - `rate(n minute|minutes|hour|hours|day|days)`.
 */
export type Schedule = { type: 'cron'; minutes: Set<number>; hours: Set<number>; daysOfMonth: Set<number> | null; months: Set<number>; daysOfWeek: Set<number> | null; years: Set<number> } | { type: 'rate'; everyMs: number };

export class ScheduleExpressionError extends Error {
  override readonly name = 'ScheduleExpressionError';
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

export function parseSchedule(expression: string): Schedule {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (rate) {
    const n = Number(rate[1]);
    if (n < 1) throw new ScheduleExpressionError(`${expression}: the rate must be at least 1`);
    return { type: 'rate', everyMs: n * UNIT_MS[rate[2].replace(/s$/, '')] };
  }
  const cron = /^cron\((.*)\)$/.exec(expression.trim());
  if (!cron) throw new ScheduleExpressionError(`"${expression}" is not an EventBridge cron(...) or rate(...) expression`);
  const fields = cron[1].trim().split(/\s+/);
  if (fields.length !== 6) throw new ScheduleExpressionError(`${expression}: cron needs 6 fields (minutes hours day-of-month month day-of-week year), got ${fields.length}`);
  const [minutes, hours, dom, month, dow, year] = fields;
  if ((dom === '?') === (dow === '?')) throw new ScheduleExpressionError(`${expression}: exactly one of day-of-month and day-of-week must be ?`);
  return {
    type: 'cron',
    minutes: field(minutes, 0, 59, 'minutes', expression),
    hours: field(hours, 0, 23, 'hours', expression),
    daysOfMonth: dom === '?' ? null : field(dom, 1, 31, 'day-of-month', expression),
    months: field(month, 1, 12, 'month', expression, MONTHS),
    daysOfWeek: dow === '?' ? null : field(dow, 1, 7, 'day-of-week', expression, DAYS),
    years: field(year, 1970, 2199, 'year', expression),
  };
}

function field(text: string, min: number, max: number, name: string, expression: string, names: string[] = []): Set<number> {
  const values = new Set<number>();
  const value = (token: string): number => {
    const named = names.indexOf(token.toUpperCase());
    const n = named >= 0 ? named + 1 : /^\d+$/.test(token) ? Number(token) : Number.NaN;
    if (!(n >= min && n <= max)) throw new ScheduleExpressionError(`${expression}: ${name} "${token}" is not within ${min}-${max}`);
    return n;
  };
  for (const part of text.split(',')) {
    if (/[LW#]/i.test(part.replace(/[A-Z]{3}/gi, (m) => (names.includes(m.toUpperCase()) ? '' : m)))) {
      throw new ScheduleExpressionError(`${expression}: ${name} "${part}" uses L, W or #, which this evaluator does not support`);
    }
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new ScheduleExpressionError(`${expression}: ${name} step "${stepText}" must be a positive whole number`);
    let [from, to] = [min, max];
    if (range !== '*') {
      const [a, b] = range.split('-');
      from = value(a);
      to = b === undefined ? (stepText === undefined ? from : max) : value(b);
      if (to < from) throw new ScheduleExpressionError(`${expression}: ${name} range "${range}" runs backwards`);
    }
    for (let n = from; n <= to; n += step) values.add(n);
  }
  return values;
}

/** The first time the schedule fires strictly after `after` (to the minute); undefined if never again. */
export function nextFire(schedule: Schedule, after: Date): Date | undefined {
  if (schedule.type === 'rate') return new Date(after.getTime() + schedule.everyMs);
  const start = new Date(Math.floor(after.getTime() / 60_000) * 60_000 + 60_000);
  const lastYear = Math.max(...schedule.years);
  for (let day = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate()); ; day += 86_400_000) {
    const date = new Date(day);
    const year = date.getUTCFullYear();
    if (year > lastYear) return undefined;
    if (!schedule.years.has(year)) {
      day = Date.UTC(year + 1, 0, 1) - 86_400_000; // on to the next year
      continue;
    }
    if (!schedule.months.has(date.getUTCMonth() + 1)) continue;
    const dayMatches = schedule.daysOfMonth ? schedule.daysOfMonth.has(date.getUTCDate()) : schedule.daysOfWeek!.has(date.getUTCDay() + 1);
    if (!dayMatches) continue;
    for (const hour of [...schedule.hours].sort((a, b) => a - b)) {
      for (const minute of [...schedule.minutes].sort((a, b) => a - b)) {
        const at = day + hour * 3_600_000 + minute * 60_000;
        if (at >= start.getTime()) return new Date(at);
      }
    }
  }
}
