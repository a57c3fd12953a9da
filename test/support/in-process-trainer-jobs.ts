/**
 * Test-only TrainerJobs: each Batch task runs the trainer's job in this process (what
 * containers/trainer/entrypoint.ts runs in a child), on the deps given, so that a test can run
 * hundreds of local executions without starting a process for each. Its log lines and its failure
 * (one line, `BatchJobFailedError`) go where the child-process runner puts them.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { failureReason, readJobSpec } from '../../containers/trainer/job-spec.ts';
import type { TrainerJobs } from '../../src/adapters/local-workflow/trainer-jobs.ts';
import { BatchJobFailedError, type DescribedJob, type SubmitJobRequest } from '../../src/adapters/local-workflow/trainer-processes.ts';
import { runTrainJob, type TrainJobDeps } from '../../src/pipeline/train-job.ts';

export class InProcessTrainerJobs implements TrainerJobs {
  spawned = 0;
  private readonly killed = new Set<string>();
  private closed = false;

  constructor(
    private readonly deps: Omit<TrainJobDeps, 'log'>,
    private readonly dataDir: string,
  ) {}

  async run(executionId: string, request: SubmitJobRequest, logFile: string, label: string): Promise<DescribedJob> {
    const startedAt = Date.now();
    const described = (status: 'SUCCEEDED' | 'FAILED', reason: string): DescribedJob => ({
      JobId: `in-process-${executionId}-${++this.spawned}`,
      JobName: request.JobName,
      JobQueue: request.JobQueue,
      JobDefinition: request.JobDefinition,
      Status: status,
      StatusReason: reason,
      CreatedAt: startedAt,
      StartedAt: startedAt,
      StoppedAt: Date.now(),
      Container: { ExitCode: status === 'SUCCEEDED' ? 0 : 1, ...(status === 'FAILED' ? { Reason: reason } : {}), LogStreamName: `executions/${executionId}.log` },
    });
    await mkdir(dirname(logFile), { recursive: true });
    if (this.closed || this.killed.has(executionId)) throw new BatchJobFailedError(described('FAILED', 'cancelled: the execution failed or the server is stopping'));
    // Best effort, each append caught at once (as the child-process runner does).
    const append = (text: string) => appendFile(logFile, text).catch(() => undefined);
    let logChain = append(`[${label}] started in-process\n`);
    const log = (line: string) => {
      logChain = logChain.then(() => append(`[${label}] ${line}\n`));
    };
    try {
      const env = Object.fromEntries((request.ContainerOverrides?.Environment ?? []).map((e) => [e.Name, e.Value]));
      await runTrainJob(readJobSpec(env), { ...this.deps, log });
      await logChain;
      return described('SUCCEEDED', 'Essential container in task exited');
    } catch (error) {
      const reason = failureReason(error, this.dataDir);
      await logChain;
      await appendFile(logFile, `[${label}] failed: ${reason}\n`).catch(() => undefined);
      throw new BatchJobFailedError(described('FAILED', reason));
    }
  }

  killExecution(executionId: string): void {
    this.killed.add(executionId);
  }

  killAll(): void {
    this.closed = true;
  }

  forget(executionId: string): void {
    this.killed.delete(executionId);
  }
}
