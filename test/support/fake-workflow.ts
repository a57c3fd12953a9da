/**
 * An in-memory Workflow for tests of what reads executions: a test sets each execution's status and
 * the states it went through, as Step Functions (or the local runner) would report them, and counts
 * the cheap status reads apart from the full descriptions (which page through the history on AWS).
 */
import type { ExecutionDescription, ExecutionStatus, ExecutionSummary, StateTiming, Workflow } from '../../src/ports/workflow.ts';

export const STARTED_AT = '2026-01-12T10:00:00.000Z';

export class FakeWorkflow implements Workflow {
  readonly executions = new Map<string, ExecutionDescription>();
  readonly started: string[] = [];
  statusReads = 0;
  descriptions = 0;

  async start(name: string, input: unknown): Promise<{ executionId: string }> {
    if (!this.executions.has(name)) {
      this.started.push(name);
      this.executions.set(name, { executionId: name, name, status: 'RUNNING', startedAt: STARTED_AT, input, states: [] });
    }
    return { executionId: name };
  }

  async describe(executionId: string): Promise<ExecutionDescription | undefined> {
    this.descriptions++;
    return this.executions.get(executionId);
  }

  async status(executionId: string): Promise<ExecutionSummary | undefined> {
    this.statusReads++;
    const execution = this.executions.get(executionId);
    if (!execution) return undefined;
    const { name: _name, input: _input, output: _output, states: _states, ...summary } = execution;
    return summary;
  }

  /** An execution as it stands: `states` are names, each SUCCEEDED, except the last one when the run did not succeed. */
  set(executionId: string, status: ExecutionStatus, input: unknown, states: string[] = [], end: Partial<ExecutionSummary> = {}): void {
    const stoppedAt = status === 'RUNNING' ? undefined : (end.stoppedAt ?? '2026-01-12T11:30:00.000Z');
    const timings: StateTiming[] = states.map((name, i) => ({
      name,
      startedAt: STARTED_AT,
      status: i === states.length - 1 && status !== 'SUCCEEDED' ? (status === 'RUNNING' ? 'RUNNING' : 'FAILED') : 'SUCCEEDED',
      ...(stoppedAt ? { endedAt: stoppedAt } : {}),
    }));
    this.executions.set(executionId, {
      executionId,
      name: executionId,
      status,
      startedAt: STARTED_AT,
      ...(stoppedAt ? { stoppedAt } : {}),
      ...(end.error ? { error: end.error } : {}),
      ...(end.cause ? { cause: end.cause } : {}),
      input,
      states: timings,
    });
  }
}
