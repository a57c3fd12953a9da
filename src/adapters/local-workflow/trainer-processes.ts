/**
 * Batch jobs on one machine: each `batch:submitJob.sync` task runs the trainer entrypoint as a
 * child process (a crash in training cannot take the server down), at most `maxParallel` at once
 * (the wasm backend is single-threaded: one process per core). The result has the shape Step
 * Functions gives a `.sync` Batch task: one DescribeJobs job in PascalCase.
 */
import { availableParallelism } from 'node:os';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TrainerJobs } from './trainer-jobs.ts';

export interface TrainerCommand {
  command: string;
  args: string[];
}

/** The production trainer: what a Batch job runs on AWS. */
export const TRAINER_ENTRY = fileURLToPath(new URL('../../../containers/trainer/entrypoint.ts', import.meta.url));

/** `node bin/run-ts.mjs <entry>`, with absolute paths (any cwd works). */
export function trainerCommand(entry: string): TrainerCommand {
  return { command: process.execPath, args: [fileURLToPath(new URL('../../../bin/run-ts.mjs', import.meta.url)), resolve(entry)] };
}

/**
 * The trainer entry script is MIZAN_TRAINER_ENTRY when set (tests point it at a wrapper that injects
 * faults, test/support/faulty-trainer-entrypoint.ts), else the production entrypoint.
 */
export function defaultTrainerCommand(env: NodeJS.ProcessEnv = process.env): TrainerCommand {
  return trainerCommand(env.MIZAN_TRAINER_ENTRY || TRAINER_ENTRY);
}

/** The effective Parameters of the Batch task (what SubmitJob would receive). */
export interface SubmitJobRequest {
  JobName: string;
  JobQueue: string;
  JobDefinition: string;
  ContainerOverrides?: { Environment?: { Name: string; Value: string }[] };
}

export interface DescribedJob {
  JobId: string;
  JobName: string;
  JobQueue: string;
  JobDefinition: string;
  Status: 'SUCCEEDED' | 'FAILED';
  StatusReason: string;
  CreatedAt: number;
  StartedAt: number;
  StoppedAt: number;
  Container: { ExitCode: number | null; Reason?: string; LogStreamName: string };
}

/** How a failed job surfaces in the state machine: AWS puts the job description JSON in the cause. */
export class BatchJobFailedError extends Error {
  override name = 'States.TaskFailed';
  constructor(readonly job: DescribedJob) {
    super(JSON.stringify(job));
  }
}

/** The line the trainer prints last when it fails (containers/trainer/entrypoint.ts). */
export const TRAINER_FAILURE_PREFIX = 'mizan-trainer: failed: ';

export interface TrainerProcessesOptions {
  command: TrainerCommand;
  dataDir: string;
  maxParallel: number;
  /** Extra environment for every job; its MIZAN_TRAINER_ENTRY, if any, replaces the command's entry script. */
  env?: Record<string, string>;
  /** Each line a trainer prints on stderr, prefixed with its job label. */
  onOutput?: (line: string) => void;
}

export class TrainerProcesses implements TrainerJobs {
  /** Every trainer process ever spawned by this instance (tests count them). */
  spawned = 0;
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly children = new Map<string, Set<ChildProcess>>();
  private readonly killed = new Set<string>();
  private jobCounter = 0;
  private closed = false;

  private readonly command: TrainerCommand;

  constructor(private readonly options: TrainerProcessesOptions) {
    const entry = options.env?.MIZAN_TRAINER_ENTRY;
    this.command = entry ? trainerCommand(entry) : options.command;
  }

  /** Runs one job of `executionId`; resolves with the described job, rejects with BatchJobFailedError. */
  async run(executionId: string, request: SubmitJobRequest, logFile: string, label: string): Promise<DescribedJob> {
    const createdAt = Date.now();
    await this.acquire();
    try {
      return await this.spawnJob(executionId, request, logFile, label, createdAt);
    } finally {
      this.release();
    }
  }

  /** Kills every running job of an execution (a failed Map does not stop its other iterations). */
  killExecution(executionId: string): void {
    this.killed.add(executionId);
    for (const child of this.children.get(executionId) ?? []) child.kill('SIGKILL');
  }

  /** Kills everything and refuses new jobs (server shutdown). */
  killAll(): void {
    this.closed = true;
    for (const executionId of this.children.keys()) this.killExecution(executionId);
  }

  forget(executionId: string): void {
    this.killed.delete(executionId);
    this.children.delete(executionId);
  }

  private async spawnJob(executionId: string, request: SubmitJobRequest, logFile: string, label: string, createdAt: number): Promise<DescribedJob> {
    const jobEnv = Object.fromEntries((request.ContainerOverrides?.Environment ?? []).map((e) => [e.Name, e.Value]));
    await mkdir(dirname(logFile), { recursive: true });
    // Checked right before spawning: a kill may have come while this job waited for a slot.
    if (this.closed || this.killed.has(executionId)) {
      throw new BatchJobFailedError(this.describe(request, executionId, createdAt, createdAt, null, 'cancelled: the execution failed or the server is stopping'));
    }
    const startedAt = Date.now();
    const child = spawn(this.command.command, this.command.args, {
      env: { ...process.env, ...this.options.env, MIZAN_KERNEL_THREADS: this.kernelThreads(), ...jobEnv, MIZAN_DATA_DIR: this.options.dataDir, MIZAN_EXIT_WITH_PARENT: '1' },
      // stdin stays open: the trainer exits when it closes, i.e. when this server dies.
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.spawned += 1;
    const set = this.children.get(executionId) ?? new Set<ChildProcess>();
    set.add(child);
    this.children.set(executionId, set);

    let lastLine = '';
    let errorLine = '';
    let failureLine = '';
    // The log is best effort, and each append is caught at once: a refused one (a full disk) must not
    // wait, unhandled, for the job to end (Node ends the process on an unhandled rejection).
    const append = (text: string) => appendFile(logFile, text).catch(() => undefined);
    let logChain = append(`[${label}] started pid ${child.pid ?? '?'}\n`);
    const onStderr = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      for (const line of text.split('\n')) {
        const trimmed = line.trim();
        if (!trimmed) continue;
        lastLine = trimmed;
        if (/^[\w.]*(Error|Exception)\b.*:/.test(trimmed)) errorLine = trimmed;
        if (trimmed.startsWith(TRAINER_FAILURE_PREFIX)) failureLine = trimmed.slice(TRAINER_FAILURE_PREFIX.length);
        this.options.onOutput?.(`[${label}] ${trimmed}`);
      }
      const prefixed = text.replace(/^(?=.)/gm, `[${label}] `);
      logChain = logChain.then(() => append(prefixed.endsWith('\n') ? prefixed : `${prefixed}\n`));
    };
    child.stderr?.on('data', onStderr);
    child.stdout?.resume(); // the final JSON result: Batch does not return it either (the artifacts are the result)
    child.stdin?.on('error', () => undefined);

    const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.on('error', (error) => {
        lastLine = error.message;
        resolve({ code: null, signal: null });
      });
      child.on('close', (exitCode, exitSignal) => resolve({ code: exitCode, signal: exitSignal }));
    });
    set.delete(child);
    await logChain;
    const stoppedAt = Date.now();
    if (code === 0) return this.describe(request, executionId, createdAt, startedAt, 0, 'Essential container in task exited', stoppedAt);
    const reason = signal ? `trainer killed by ${signal}` : failureLine || errorLine || lastLine || `trainer exited with code ${code}`;
    await appendFile(logFile, `[${label}] failed: ${reason}\n`).catch(() => undefined);
    throw new BatchJobFailedError(this.describe(request, executionId, createdAt, startedAt, code, reason, stoppedAt));
  }

  private describe(
    request: SubmitJobRequest,
    executionId: string,
    createdAt: number,
    startedAt: number,
    exitCode: number | null,
    reason: string,
    stoppedAt = Date.now(),
  ): DescribedJob {
    const jobId = `local-${executionId}-${++this.jobCounter}`;
    return {
      JobId: jobId,
      JobName: request.JobName,
      JobQueue: request.JobQueue,
      JobDefinition: request.JobDefinition,
      Status: exitCode === 0 ? 'SUCCEEDED' : 'FAILED',
      StatusReason: reason,
      CreatedAt: createdAt,
      StartedAt: startedAt,
      StoppedAt: stoppedAt,
      Container: { ExitCode: exitCode, ...(exitCode === 0 ? {} : { Reason: reason }), LogStreamName: `executions/${executionId}.log` },
    };
  }

  /**
   * The threads each trainer's wasm kernels may use (src/ml/kernels): the cores shared by the jobs
   * running now, so two snapshot trainers on two cores take one each (a kernel waiting on a worker
   * that is not scheduled is slower than one thread). MIZAN_KERNEL_THREADS, if set, decides.
   */
  private kernelThreads(): string {
    return process.env.MIZAN_KERNEL_THREADS ?? String(Math.max(1, Math.min(2, Math.floor(availableParallelism() / Math.max(1, this.running)))));
  }

  private acquire(): Promise<void> {
    if (this.running < this.options.maxParallel) {
      this.running += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running -= 1;
  }
}
