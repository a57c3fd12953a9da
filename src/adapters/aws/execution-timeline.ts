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
import type { HistoryEvent } from '../../ports/execution-source.ts';
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
  const timeline = new Timeline(end, iterationStarts(byId));
  // Pages and parallel iterations make no promise of order: by time, then id.
  const sorted = [...history].sort((a, b) => (a.timestamp?.getTime() ?? 0) - (b.timestamp?.getTime() ?? 0) || (a.id ?? 0) - (b.id ?? 0));
  for (const event of sorted) timeline.read(event);
  return timeline.finish();
}

/** The timeline as the history is read in time order: the states open in each Map iteration, the events so far. */
class Timeline {
  private readonly states: StateTiming[] = [];
  private readonly events: HistoryEvent[] = [];
  private readonly iterations = new Map<number, Iteration>();
  private readonly open = new Map<number, OpenState[]>(); // by iteration start id; 0 = outside any Map iteration
  /** The first failure inside the current Map's iterations. */
  private iterationFailure: Pick<Failure, 'error' | 'cause'> | undefined;

  constructor(
    private readonly end: ExecutionEnd,
    private readonly iterationStartOf: (event: SfnEvent) => SfnEvent | undefined,
  ) {}

  read(event: SfnEvent): void {
    const type = event.type ?? '';
    const at = event.timestamp?.toISOString() ?? '';
    if (type.startsWith('Execution')) return this.executionEvent(event, type, at);
    const start = this.iterationStartOf(event);
    const key = start?.id ?? 0;
    const stack = this.open.get(key) ?? [];
    this.open.set(key, stack);
    const top = stack.at(-1);

    const entered = event.stateEnteredEventDetails;
    const exited = event.stateExitedEventDetails;
    if (type.endsWith('StateEntered') && entered?.name) this.enter(entered.name, entered.input, type, at, start, stack);
    else if (type.endsWith('StateExited') && exited?.name) this.exit(exited.name, at, stack);
    else if (type.startsWith('MapIteration')) return; // the Map state's own MapStateFailed or MapStateAborted follows
    else if (type.endsWith('Aborted')) this.abort(top, at);
    else if (type.endsWith('Failed') || type.endsWith('TimedOut')) this.fail(event, type, at, start, top);
    else if (type.endsWith('Scheduled') && top?.failure) this.retry(top, at);
  }

  /** Closes what is still open as the history ends; the events in time order, the execution's end after the states that ended with it. */
  finish(): { states: StateTiming[]; events: HistoryEvent[] } {
    for (const stack of this.open.values()) for (const entry of stack) this.closeAtEnd(entry);
    const last = (e: HistoryEvent) => (e.type.startsWith('Execution') && e.type !== 'ExecutionStarted' ? 1 : 0);
    this.events.sort((a, b) => a.timestamp.localeCompare(b.timestamp) || last(a) - last(b));
    return { states: this.states, events: this.events };
  }

  private executionEvent(event: SfnEvent, type: string, at: string): void {
    const { error, cause } = errorOf(event);
    this.events.push({ type, timestamp: at, ...(error !== undefined ? { error } : {}), ...(cause !== undefined ? { cause } : {}) });
  }

  private enter(name: string, input: string | undefined, type: string, at: string, start: SfnEvent | undefined, stack: OpenState[]): void {
    const iteration = start ? this.iterationOf(start, input) : undefined;
    if (type === 'MapStateEntered') this.iterationFailure = undefined;
    const timing: StateTiming = { name: iteration ? `${name} [${iteration.item ?? iteration.index}]` : name, startedAt: at, status: 'RUNNING' };
    const entry: OpenState = { timing, state: name, iteration };
    if (type === 'FailStateEntered') entry.failure = { error: this.end.error, cause: this.end.cause, aborted: false };
    this.states.push(timing);
    stack.push(entry);
    this.record('StateEntered', entry, at);
  }

  /** The Map iteration `start` began, its snapshot year taken from the first state's input that has one. */
  private iterationOf(start: SfnEvent, input: string | undefined): Iteration {
    const key = start.id ?? 0;
    const iteration = this.iterations.get(key) ?? { index: start.mapIterationStartedEventDetails?.index ?? 0 };
    iteration.item ??= snapshotYearOf(input);
    this.iterations.set(key, iteration);
    return iteration;
  }

  private exit(name: string, at: string, stack: OpenState[]): void {
    let index = stack.length - 1;
    while (index >= 0 && stack[index].state !== name) index--;
    if (index >= 0) this.close(stack.splice(index, 1)[0], at);
  }

  /** Stopped because something else failed first. */
  private abort(top: OpenState | undefined, at: string): void {
    if (top && !top.failure) top.failure = { at, aborted: true };
  }

  private fail(event: SfnEvent, type: string, at: string, start: SfnEvent | undefined, top: OpenState | undefined): void {
    const own = errorOf(event);
    if (start && (own.error !== undefined || own.cause !== undefined)) this.iterationFailure ??= own;
    // A Map's failure events carry no error: it is the one that failed its iteration.
    const found = own.error === undefined && own.cause === undefined && isMapEvent(type) ? (this.iterationFailure ?? own) : own;
    if (top) top.failure = { ...found, at, aborted: false };
  }

  /** Retried: the task runs again. */
  private retry(entry: OpenState, at: string): void {
    entry.failure = undefined;
    this.record('StateRetried', entry, at);
  }

  /** Still open as the execution stopped: it finished with a success, or went down with the run. */
  private closeAtEnd(entry: OpenState): void {
    if (entry.failure) this.close(entry, entry.failure.at ?? this.end.stoppedAt);
    else if (this.end.status !== 'RUNNING') {
      if (this.end.status !== 'SUCCEEDED') entry.failure = { aborted: false };
      this.close(entry, this.end.stoppedAt);
    }
  }

  private close(entry: OpenState, at: string | undefined): void {
    entry.timing.endedAt = at;
    entry.timing.status = entry.failure ? 'FAILED' : 'SUCCEEDED';
    const failure = entry.failure;
    if (!failure) this.record('StateExited', entry, at ?? '');
    else if (failure.aborted) this.record('StateAborted', entry, failure.at ?? at ?? '');
    // A failure with neither error nor cause has nothing to say under the state: its red bar says it.
    else if (failure.error !== undefined || failure.cause !== undefined) this.record('StateFailed', entry, failure.at ?? at ?? '', failure);
  }

  private record(type: string, entry: OpenState, timestamp: string, failure?: Failure): void {
    const event: HistoryEvent = { type, timestamp, state: entry.state };
    if (entry.iteration) {
      event.index = entry.iteration.index;
      if (entry.iteration.item !== undefined) event.item = entry.iteration.item;
    }
    if (failure?.error !== undefined) event.error = failure.error;
    if (failure?.cause !== undefined) event.cause = failure.cause;
    this.events.push(event);
  }
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
