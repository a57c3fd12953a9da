/**
 * The missed-run policy (pure): a schedule is due when its next fire after the last one (or, before
 * any, after the time the scheduler first saw it) has come. However many fires a downtime covered,
 * it is due once: firing then moves the last fire to now, and the next is the next one to come.
 */
import { nextFire, type Schedule } from './eventbridge-schedule.ts';

export interface ScheduleState {
  /** When the scheduler first saw the schedule: a new scheduler does not fire for fires before it existed. */
  since: string;
  lastFiredAt?: string;
}

export interface Due {
  due: boolean;
  /** The earliest fire that has come (when due). */
  scheduledFor?: Date;
  /** How many fires came since the last one (1 on time; more after a downtime), counted up to `cap`. */
  missed: number;
  /** The next fire after now (once this one is fired). */
  next: Date | undefined;
}

export function dueNow(schedule: Schedule, state: ScheduleState, now: Date, cap = 1000): Due {
  const from = new Date(state.lastFiredAt ?? state.since);
  const first = nextFire(schedule, from);
  if (first === undefined || first > now) return { due: false, missed: 0, next: first };
  let missed = 1;
  for (let at = nextFire(schedule, first); at !== undefined && at <= now && missed < cap; at = nextFire(schedule, at)) missed++;
  return { due: true, scheduledFor: first, missed, next: nextFire(schedule, now) };
}
