import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { ExecutionStatus, StateTiming } from '../../ports/workflow.ts';

/**
 * Per-state timings from an execution's event history, as the console shows them: one entry
 * each time a state is entered (a Map's inner states appear once per iteration), in the order
 * they were entered. A state is FAILED when a failure event happened while it was open, or
 * when it was still open as the execution stopped unsuccessfully.
 */
export function stateTimings(events: HistoryEvent[], executionStatus: ExecutionStatus, stoppedAt: string | undefined): StateTiming[] {
  // Events normally arrive in order, but pages and parallel branches make no promise: sort by time, then id.
  const sorted = [...events].sort(
    (a, b) => (a.timestamp?.getTime() ?? 0) - (b.timestamp?.getTime() ?? 0) || (a.id ?? 0) - (b.id ?? 0),
  );
  const timings: StateTiming[] = [];
  const open: StateTiming[] = [];
  for (const event of sorted) {
    const type = event.type ?? '';
    const at = event.timestamp?.toISOString() ?? '';
    if (type.endsWith('StateEntered') && event.stateEnteredEventDetails?.name) {
      const timing: StateTiming = { name: event.stateEnteredEventDetails.name, startedAt: at, status: type === 'FailStateEntered' ? 'FAILED' : 'RUNNING' };
      timings.push(timing);
      open.push(timing);
    } else if (type.endsWith('StateExited') && event.stateExitedEventDetails?.name) {
      // Pair with the earliest open entry of that name (parallel Map iterations share names).
      const index = open.findIndex((timing) => timing.name === event.stateExitedEventDetails?.name);
      if (index >= 0) {
        const [timing] = open.splice(index, 1);
        timing.endedAt = at;
        if (timing.status === 'RUNNING') timing.status = 'SUCCEEDED';
      }
    } else if (isStateFailure(type) && open.length > 0) {
      open[open.length - 1].status = 'FAILED';
    }
  }
  if (executionStatus !== 'RUNNING') {
    for (const timing of open) {
      timing.endedAt = stoppedAt;
      timing.status = executionStatus === 'SUCCEEDED' && timing.status !== 'FAILED' ? 'SUCCEEDED' : 'FAILED';
    }
  }
  return timings;
}

function isStateFailure(type: string): boolean {
  if (type.startsWith('Execution')) return false;
  return type.endsWith('Failed') || type.endsWith('TimedOut') || type.endsWith('Aborted');
}
