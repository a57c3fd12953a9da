/**
 * A Step Functions event history as the dashboard's Runs pages read a local execution record: one
 * timing per state entered, a Map iteration's states named `{state} [{snapshot year}]` as the local
 * runner names them, and a `StateFailed` event carrying the error and cause of each state that failed.
 *
 * Which Map iteration an event belongs to comes from `previousEventId`: an iteration's events chain
 * back to its `MapIterationStarted`, while the Map's own events (MapState*, MapIteration*) belong to
 * the Map state outside it. TrainModel has one level of Map (the snapshot backfill), and that is
 * all this follows. A failure event (TaskFailed, LambdaFunctionTimedOut, …) belongs to the state
 * open in its iteration (or at the top); a retry (the task scheduled again) clears it, so a transient
 * error that was retried away does not leave the state red.
 */
import type { HistoryEvent as SfnEvent } from '@aws-sdk/client-sfn';
import type { HistoryEvent } from '../../dashboard/source.ts';
import type { ExecutionStatus, StateTiming } from '../../ports/workflow.ts';

export interface ExecutionEnd {
  status: ExecutionStatus;
  stoppedAt?: string;
  /** The execution's error and cause: a Fail state's own (it fails the execution with them). */
  error?: string;
  cause?: string;
}

interface Iteration {
  index: number;
  /** The snapshot year end the iteration trains, from its first state's input (`snapshotYearEnd`). */
  item?: string;
}

interface Failure {
  error?: string;
  cause?: string;
  /** When it failed (a Fail state has no time of its own: it ends with the execution). */
  at?: string;
  aborted: boolean;
}

interface OpenState {
  timing: StateTiming;
  state: string;
  iteration?: Iteration;
  failure?: Failure;
}

export function executionTimeline(history: SfnEvent[], end: ExecutionEnd): { states: StateTiming[]; events: HistoryEvent[] } {
  const byId = new Map(history.filter((e) => e.id !== undefined).map((e) => [e.id!, e]));
  const iterationStartOf = iterationStarts(byId);
  // Pages and parallel iterations make no promise of order: by time, then id.
  const sorted = [...history].sort((a, b) => (a.timestamp?.getTime() ?? 0) - (b.timestamp?.getTime() ?? 0) || (a.id ?? 0) - (b.id ?? 0));

  const states: StateTiming[] = [];
  const events: HistoryEvent[] = [];
  const iterations = new Map<number, Iteration>();
  const open = new Map<number, OpenState[]>(); // by iteration start id; 0 = outside any Map iteration
  let iterationFailure: Pick<Failure, 'error' | 'cause'> | undefined; // the first failure inside the current Map's iterations

  const record = (type: string, entry: OpenState, timestamp: string, failure?: Failure) => {
    const event: HistoryEvent = { type, timestamp, state: entry.state };
    if (entry.iteration) {
      event.index = entry.iteration.index;
      if (entry.iteration.item !== undefined) event.item = entry.iteration.item;
    }
    if (failure?.error !== undefined) event.error = failure.error;
    if (failure?.cause !== undefined) event.cause = failure.cause;
    events.push(event);
  };
  const close = (entry: OpenState, at: string | undefined) => {
    entry.timing.endedAt = at;
    entry.timing.status = entry.failure ? 'FAILED' : 'SUCCEEDED';
    const failure = entry.failure;
    if (!failure) record('StateExited', entry, at ?? '');
    else if (failure.aborted) record('StateAborted', entry, failure.at ?? at ?? '');
    // A failure with neither error nor cause has nothing to say under the state: its red bar says it.
    else if (failure.error !== undefined || failure.cause !== undefined) record('StateFailed', entry, failure.at ?? at ?? '', failure);
  };

  for (const event of sorted) {
    const type = event.type ?? '';
    const at = event.timestamp?.toISOString() ?? '';
    if (type.startsWith('Execution')) {
      const { error, cause } = errorOf(event);
      events.push({ type, timestamp: at, ...(error !== undefined ? { error } : {}), ...(cause !== undefined ? { cause } : {}) });
      continue;
    }
    const start = iterationStartOf(event);
    const key = start?.id ?? 0;
    const stack = open.get(key) ?? [];
    open.set(key, stack);
    const top = stack.at(-1);

    if (type.endsWith('StateEntered') && event.stateEnteredEventDetails?.name) {
      const name = event.stateEnteredEventDetails.name;
      let iteration: Iteration | undefined;
      if (start) {
        iteration = iterations.get(key) ?? { index: start.mapIterationStartedEventDetails?.index ?? 0 };
        iteration.item ??= snapshotYearOf(event.stateEnteredEventDetails.input);
        iterations.set(key, iteration);
      }
      if (type === 'MapStateEntered') iterationFailure = undefined;
      const timing: StateTiming = { name: iteration ? `${name} [${iteration.item ?? iteration.index}]` : name, startedAt: at, status: 'RUNNING' };
      const entry: OpenState = { timing, state: name, iteration };
      if (type === 'FailStateEntered') entry.failure = { error: end.error, cause: end.cause, aborted: false };
      states.push(timing);
      stack.push(entry);
      record('StateEntered', entry, at);
    } else if (type.endsWith('StateExited') && event.stateExitedEventDetails?.name) {
      const name = event.stateExitedEventDetails.name;
      let index = stack.length - 1;
      while (index >= 0 && stack[index].state !== name) index--;
      if (index >= 0) close(stack.splice(index, 1)[0], at);
    } else if (type.startsWith('MapIteration')) {
      continue; // the Map state's own MapStateFailed or MapStateAborted follows
    } else if (type.endsWith('Aborted')) {
      if (top && !top.failure) top.failure = { at, aborted: true }; // stopped because something else failed first
    } else if (type.endsWith('Failed') || type.endsWith('TimedOut')) {
      const own = errorOf(event);
      if (start && (own.error !== undefined || own.cause !== undefined)) iterationFailure ??= own;
      // A Map's failure events carry no error: it is the one that failed its iteration.
      const found = own.error === undefined && own.cause === undefined && isMapEvent(type) ? (iterationFailure ?? own) : own;
      if (top) top.failure = { ...found, at, aborted: false };
    } else if (type.endsWith('Scheduled') && top?.failure) {
      top.failure = undefined; // retried: the task runs again
      record('StateRetried', top, at);
    }
  }

  for (const stack of open.values()) {
    for (const entry of stack) {
      if (entry.failure) close(entry, entry.failure.at ?? end.stoppedAt);
      else if (end.status !== 'RUNNING') {
        // Still open as the execution stopped: it finished with a success, or went down with the run.
        if (end.status !== 'SUCCEEDED') entry.failure = { aborted: false };
        close(entry, end.stoppedAt);
      }
    }
  }
  // In time order; the execution's end after the states that ended with it.
  const last = (e: HistoryEvent) => (e.type.startsWith('Execution') && e.type !== 'ExecutionStarted' ? 1 : 0);
  events.sort((a, b) => a.timestamp.localeCompare(b.timestamp) || last(a) - last(b));
  return { states, events };
}

/** The Map iteration an event happened in (its MapIterationStarted event), or undefined outside one. */
function iterationStarts(byId: Map<number, SfnEvent>): (event: SfnEvent) => SfnEvent | undefined {
  const known = new Map<number, SfnEvent | undefined>();
  return (event) => {
    if (isMapEvent(event.type ?? '')) return undefined;
    const chain: SfnEvent[] = [];
    let current = event;
    let found: SfnEvent | undefined;
    for (;;) {
      if (current.id !== undefined && known.has(current.id)) {
        found = known.get(current.id);
        break;
      }
      chain.push(current);
      const previous = current.previousEventId !== undefined ? byId.get(current.previousEventId) : undefined;
      // Ids only grow along a chain: anything else is a broken history, read as outside any iteration.
      if (!previous || (previous.id ?? 0) >= (current.id ?? 0)) break;
      if (previous.type === 'MapIterationStarted') {
        found = previous;
        break;
      }
      if (isMapEvent(previous.type ?? '')) break;
      current = previous;
    }
    for (const link of chain) if (link.id !== undefined) known.set(link.id, found);
    return found;
  };
}

function isMapEvent(type: string): boolean {
  return type.startsWith('MapState') || type.startsWith('MapIteration') || type.startsWith('MapRun');
}

/** The error and cause of a failure event, whichever of its `…EventDetails` holds them. */
function errorOf(event: SfnEvent): { error?: string; cause?: string } {
  for (const [key, value] of Object.entries(event)) {
    if (!key.endsWith('EventDetails') || typeof value !== 'object' || value === null) continue;
    const { error, cause } = value as { error?: unknown; cause?: unknown };
    if (typeof error === 'string' || typeof cause === 'string') {
      return { ...(typeof error === 'string' ? { error } : {}), ...(typeof cause === 'string' ? { cause } : {}) };
    }
  }
  return {};
}

function snapshotYearOf(input: string | undefined): string | undefined {
  if (input === undefined) return undefined;
  try {
    const year = (JSON.parse(input) as { snapshotYearEnd?: unknown } | null)?.snapshotYearEnd;
    return typeof year === 'string' ? year : undefined;
  } catch {
    return undefined; // truncated or not JSON: the iteration keeps its index
  }
}
