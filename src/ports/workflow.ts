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

/** What one status read tells of an execution: no state timings, no input or output. */
export type ExecutionSummary = Pick<ExecutionDescription, 'executionId' | 'status' | 'startedAt' | 'stoppedAt' | 'error' | 'cause'>;

/** Runs the `TrainModel` state machine: in-process locally (aws-local-stepfunctions), Step Functions on AWS. */
export interface Workflow {
  /**
   * Starts an execution named `name` (the version: one name, one run). Starting a name that
   * already ran with the same input returns that execution instead of a new one.
   */
  start(name: string, input: unknown): Promise<{ executionId: string }>;
  describe(executionId: string): Promise<ExecutionDescription | undefined>;
  /**
   * The execution's status without its history (on AWS one DescribeExecution, where `describe` also
   * pages through GetExecutionHistory): what a frequent check needs. Optional: callers fall back to `describe`.
   */
  status?(executionId: string): Promise<ExecutionSummary | undefined>;
}
