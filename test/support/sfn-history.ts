/**
 * Step Functions event histories for tests, shaped as GetExecutionHistory returns them: ids in
 * order, and each event's `previousEventId` the event it follows. That is the last one added,
 * unless `after` says otherwise (a Map iteration's first state follows its MapIterationStarted).
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';

export class SfnHistory {
  readonly events: HistoryEvent[] = [];

  constructor(private readonly at: (second: number) => Date) {}

  add(type: string, second: number, details: Partial<HistoryEvent> = {}, after = this.events.length): number {
    const id = this.events.length + 1;
    this.events.push({ id, previousEventId: after, timestamp: this.at(second), type, ...details } as HistoryEvent);
    return id;
  }

  /** `{stateType}StateEntered`, with the state's input when the history includes execution data. */
  entered(name: string, second: number, stateType = 'Task', input?: unknown, after?: number): number {
    const details = { stateEnteredEventDetails: { name, ...(input !== undefined ? { input: JSON.stringify(input) } : {}) } };
    return this.add(`${stateType}StateEntered`, second, details, after);
  }

  exited(name: string, second: number, stateType = 'Task', after?: number): number {
    return this.add(`${stateType}StateExited`, second, { stateExitedEventDetails: { name } }, after);
  }

  /** A task that succeeds: entered, scheduled, started, succeeded, exited. */
  task(name: string, from: number, to: number, input?: unknown): number {
    this.entered(name, from, 'Task', input);
    this.add('TaskScheduled', from);
    this.add('TaskStarted', from);
    this.add('TaskSucceeded', to);
    return this.exited(name, to);
  }

  choice(name: string, second: number): number {
    this.entered(name, second, 'Choice');
    return this.exited(name, second, 'Choice');
  }
}
