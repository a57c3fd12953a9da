import type { ExecutionDescription } from './workflow.ts';

/** One entry of an execution's event history (inputs and outputs left out: the state carries the whole plan). */
export interface HistoryEvent {
  type: string;
  timestamp: string;
  state?: string;
  /** The Map iteration, for events inside "Backfill snapshots". */
  index?: number;
  /** What the Map iteration works on (the snapshot year end), when known. */
  item?: string;
  error?: string;
  cause?: string;
}

/** An execution of TrainModel with its event history: what the Runs pages show. */
export interface ExecutionRecord extends ExecutionDescription {
  events: HistoryEvent[];
}

/**
 * The executions of TrainModel, read only: the local runner's files under the data dir, or the
 * state machine's executions on AWS.
 */
export interface ExecutionSource {
  /** Every execution record (ids are checked by the caller before `read`). */
  list(): Promise<ExecutionRecord[]>;
  read(executionId: string): Promise<ExecutionRecord | undefined>;
}
