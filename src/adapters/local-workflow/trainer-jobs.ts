/**
 * What runs the Batch tasks of local executions: the trainer as child processes (trainer-processes.ts)
 * in production; tests may run the same job in-process (test/support/in-process-trainer-jobs.ts).
 */
import type { DescribedJob, SubmitJobRequest } from './trainer-processes.ts';

export interface TrainerJobs {
  /** Jobs started so far (tests count them). */
  readonly spawned: number;
  /** Runs one job of `executionId`; resolves with the described job, rejects with BatchJobFailedError. */
  run(executionId: string, request: SubmitJobRequest, logFile: string, label: string): Promise<DescribedJob>;
  /** Stops every running job of an execution (a failed Map does not stop its other iterations). */
  killExecution(executionId: string): void;
  /** Stops everything and refuses new jobs (shutdown). */
  killAll(): void;
  forget(executionId: string): void;
}
