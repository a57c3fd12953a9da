/**
 * A Step Functions history read as the Runs pages read a local record: each snapshot year of the Map
 * on its own line, the state that failed (not the one after it) red with its error and cause, and a
 * retried transient error not counted as a failure.
 */
import { describe, expect, it } from 'vitest';
import { executionTimeline } from '../../src/adapters/aws/execution-timeline.ts';
import { SfnHistory } from '../support/sfn-history.ts';

const at = (second: number) => new Date(Date.UTC(2026, 0, 5, 12, 0, 0) + second * 1000);
const iso = (second: number) => at(second).toISOString();
const plan = { kind: 'lstm', version: 'v2025.12.26-0123456789ab' };
const BATCH_CAUSE = JSON.stringify({ JobName: 'mizan-train-snapshot', Status: 'FAILED', StatusReason: 'Essential container in task exited', Container: { ExitCode: 1 } });

/** Train, then a Map over two snapshot years run side by side; `fail2020` fails the second iteration. */
function backfillRun(options: { fail2020: boolean; withData?: boolean }): SfnHistory {
  const h = new SfnHistory(at);
  const input = (year: string) => (options.withData === false ? undefined : { plan, snapshotYearEnd: year });
  h.add('ExecutionStarted', 0);
  h.task('Train', 1, 10);
  h.entered('Backfill snapshots', 11, 'Map');
  const mapStarted = h.add('MapStateStarted', 11, { mapStateStartedEventDetails: { length: 2 } });
  const first = h.add('MapIterationStarted', 11, { mapIterationStartedEventDetails: { name: 'Backfill snapshots', index: 0 } }, mapStarted);
  const second = h.add('MapIterationStarted', 11, { mapIterationStartedEventDetails: { name: 'Backfill snapshots', index: 1 } }, mapStarted);
  const entered2019 = h.entered('Train snapshot', 12, 'Task', input('2019-12-31'), first);
  const entered2020 = h.entered('Train snapshot', 12, 'Task', input('2020-12-31'), second);
  const scheduled2019 = h.add('TaskScheduled', 12, {}, entered2019);
  const scheduled2020 = h.add('TaskScheduled', 12, {}, entered2020);
  if (options.fail2020) {
    const failed = h.add('TaskFailed', 20, { taskFailedEventDetails: { resourceType: 'batch', resource: 'submitJob.sync', error: 'States.TaskFailed', cause: BATCH_CAUSE } }, scheduled2020);
    h.add('MapIterationFailed', 20, { mapIterationFailedEventDetails: { name: 'Backfill snapshots', index: 1 } }, failed);
    const aborted = h.add('TaskStateAborted', 21, {}, scheduled2019);
    h.add('MapIterationAborted', 21, { mapIterationAbortedEventDetails: { name: 'Backfill snapshots', index: 0 } }, aborted);
    const mapFailed = h.add('MapStateFailed', 21, {}, failed);
    h.exited('Backfill snapshots', 21, 'Map', mapFailed);
    h.task('Record failure', 22, 23);
    h.entered('Training failed', 24, 'Fail');
    h.add('ExecutionFailed', 24, { executionFailedEventDetails: { error: 'States.TaskFailed', cause: BATCH_CAUSE } });
  } else {
    const done2020 = h.add('TaskSucceeded', 25, {}, scheduled2020);
    const done2019 = h.add('TaskSucceeded', 30, {}, scheduled2019);
    const exited2020 = h.exited('Train snapshot', 25, 'Task', done2020);
    const exited2019 = h.exited('Train snapshot', 30, 'Task', done2019);
    h.add('MapIterationSucceeded', 25, { mapIterationSucceededEventDetails: { name: 'Backfill snapshots', index: 1 } }, exited2020);
    const last = h.add('MapIterationSucceeded', 30, { mapIterationSucceededEventDetails: { name: 'Backfill snapshots', index: 0 } }, exited2019);
    h.add('MapStateSucceeded', 30, {}, last);
    h.exited('Backfill snapshots', 31, 'Map', last);
    h.task('Record result', 31, 32);
    h.add('ExecutionSucceeded', 33);
  }
  return h;
}

describe('executionTimeline (a Step Functions history as the Runs pages read it)', () => {
  it('gives each snapshot year of the Map its own line, named as the local runner names it', () => {
    const { states } = executionTimeline(backfillRun({ fail2020: false }).events, { status: 'SUCCEEDED', stoppedAt: iso(33) });

    expect(states).toEqual([
      { name: 'Train', startedAt: iso(1), endedAt: iso(10), status: 'SUCCEEDED' },
      { name: 'Backfill snapshots', startedAt: iso(11), endedAt: iso(31), status: 'SUCCEEDED' },
      { name: 'Train snapshot [2019-12-31]', startedAt: iso(12), endedAt: iso(30), status: 'SUCCEEDED' },
      { name: 'Train snapshot [2020-12-31]', startedAt: iso(12), endedAt: iso(25), status: 'SUCCEEDED' },
      { name: 'Record result', startedAt: iso(31), endedAt: iso(32), status: 'SUCCEEDED' },
    ]);
  });

  it('names an iteration by its index when the history has no state inputs', () => {
    const { states } = executionTimeline(backfillRun({ fail2020: false, withData: false }).events, { status: 'SUCCEEDED', stoppedAt: iso(33) });

    expect(states.map((s) => s.name)).toContain('Train snapshot [1]');
  });

  it('marks the failed year red with its error and cause, its aborted sibling red without one, and the Map with the same error', () => {
    const end = { status: 'FAILED' as const, stoppedAt: iso(24), error: 'States.TaskFailed', cause: BATCH_CAUSE };

    const { states, events } = executionTimeline(backfillRun({ fail2020: true }).events, end);

    expect(states.map((s) => [s.name, s.status, s.endedAt])).toEqual([
      ['Train', 'SUCCEEDED', iso(10)],
      ['Backfill snapshots', 'FAILED', iso(21)],
      ['Train snapshot [2019-12-31]', 'FAILED', iso(21)],
      ['Train snapshot [2020-12-31]', 'FAILED', iso(20)],
      ['Record failure', 'SUCCEEDED', iso(23)],
      ['Training failed', 'FAILED', iso(24)],
    ]);
    const failures = events.filter((e) => e.type === 'StateFailed' || e.type === 'StateAborted');
    expect(failures).toEqual([
      { type: 'StateFailed', timestamp: iso(20), state: 'Train snapshot', index: 1, item: '2020-12-31', error: 'States.TaskFailed', cause: BATCH_CAUSE },
      { type: 'StateFailed', timestamp: iso(21), state: 'Backfill snapshots', error: 'States.TaskFailed', cause: BATCH_CAUSE },
      { type: 'StateAborted', timestamp: iso(21), state: 'Train snapshot', index: 0, item: '2019-12-31' },
      { type: 'StateFailed', timestamp: iso(24), state: 'Training failed', error: 'States.TaskFailed', cause: BATCH_CAUSE },
    ]);
    expect(events.at(-1)).toEqual({ type: 'ExecutionFailed', timestamp: iso(24), error: 'States.TaskFailed', cause: BATCH_CAUSE });
  });

  it('does not count a transient error that a retry cleared', () => {
    const h = new SfnHistory(at);
    h.add('ExecutionStarted', 0);
    h.entered('Decide promotion', 1);
    h.add('TaskScheduled', 1);
    h.add('TaskFailed', 2, { taskFailedEventDetails: { resourceType: 'lambda', resource: 'invoke', error: 'Lambda.ServiceException', cause: 'Rate exceeded' } });
    h.add('TaskScheduled', 7);
    h.add('TaskSucceeded', 8);
    h.exited('Decide promotion', 8);
    h.add('ExecutionSucceeded', 9);

    const { states, events } = executionTimeline(h.events, { status: 'SUCCEEDED', stoppedAt: iso(9) });

    expect(states).toEqual([{ name: 'Decide promotion', startedAt: iso(1), endedAt: iso(8), status: 'SUCCEEDED' }]);
    expect(events.map((e) => e.type)).toEqual(['ExecutionStarted', 'StateEntered', 'StateRetried', 'StateExited', 'ExecutionSucceeded']);
  });

  it('leaves the state of a running execution open, and closes it with the execution when that stops', () => {
    const h = new SfnHistory(at);
    h.add('ExecutionStarted', 0);
    h.entered('Train', 1);
    h.add('TaskSubmitted', 2);

    expect(executionTimeline(h.events, { status: 'RUNNING' }).states).toEqual([{ name: 'Train', startedAt: iso(1), status: 'RUNNING' }]);
    expect(executionTimeline(h.events, { status: 'ABORTED', stoppedAt: iso(5) }).states).toEqual([
      { name: 'Train', startedAt: iso(1), endedAt: iso(5), status: 'FAILED' },
    ]);
  });
});
