export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** One state of an execution as a person sees it in the console. */
export interface StateTiming {
  name: string;
  startedAt: string;
  endedAt?: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
}

export interface ExecutionDescription {
  executionId: string;
  name: string;
  status: ExecutionStatus;
  startedAt: string;
  stoppedAt?: string;
  input: unknown;
  output?: unknown;
  error?: string;
  cause?: string;
  states: StateTiming[];
}

/** Runs the `TrainModel` state machine: in-process locally (aws-local-stepfunctions), Step Functions on AWS. */
export interface Workflow {
  /**
   * Starts an execution named `name` (the version: one name, one run). Starting a name that
   * already ran with the same input returns that execution instead of a new one.
   */
  start(name: string, input: unknown): Promise<{ executionId: string }>;
  describe(executionId: string): Promise<ExecutionDescription | undefined>;
}
