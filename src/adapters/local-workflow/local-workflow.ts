/**
 * The Workflow port on one machine: the TrainModel definition (rendered from the same CDK chain
 * that is deployed) run in-process by aws-local-stepfunctions. Tasks are overridden by state name:
 * Batch tasks become trainer child processes, Lambda tasks call the step handlers it is given (the
 * handlers of functions/, in-process: infra/local/open-local-workflow.ts wires them).
 * Executions are persisted with their event history. At each start the runner tidies the data dir
 * (src/adapters/local/data-dir-sweep.ts) and settles executions left RUNNING by a runner that is gone:
 * from the version's record when the run recorded its outcome but not its own end, else as
 * interrupted (its promotion undone, its claim freed).
 */
import './promise-with-resolvers.ts';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { removeUncommittedVersion, sweepDataDir } from '../local/data-dir-sweep.ts';
import { isAlive } from '../local/lock-holder.ts';
import { describeWriteFailure } from '../local/write-failure.ts';
import { decidedPromotion } from '../../pipeline/ended-run.ts';
import type { TrainingPlan } from '../../models/training-plan.ts';
import { undoPromotion } from '../../pipeline/undo-promotion.ts';
import type { ArtifactStore } from '../../ports/artifact-store.ts';
import type { ModelRegistry, VersionRecord } from '../../ports/model-registry.ts';
import type { ExecutionDescription, ExecutionSummary, Workflow } from '../../ports/workflow.ts';
import { STATE } from '../../ports/train-model.ts';
import { ExecutionStore, isSafeExecutionId, timingsFromEvents, type LocalExecutionRecord } from './execution-store.ts';
import type { HistoryEvent } from '../../ports/execution-source.ts';
import { localTrainModelDefinition } from './local-definition.ts';
import type { TrainerJobs } from './trainer-jobs.ts';
import { defaultTrainerCommand, TrainerProcesses, type SubmitJobRequest, type TrainerCommand } from './trainer-processes.ts';

type StepFn = (input: unknown) => Promise<unknown>;

/** The Lambda steps, called in-process (infra/local/local-steps.ts wires them to functions/). */
export interface StepHandlers {
  decidePromotion: StepFn;
  publish: StepFn;
  recordResult: StepFn;
  recordFailure: StepFn;
}

export interface LocalWorkflowOptions {
  dataDir: string;
  steps: StepHandlers;
  /** Used to free the claim of an interrupted or otherwise unrecorded failed run. */
  registry: ModelRegistry;
  /** Read, with the registry, to undo the promotion of such a run when it had decided it. */
  store?: ArtifactStore;
  /** What runs the Batch tasks (default: trainer child processes). */
  trainerJobs?: TrainerJobs;
  trainer?: TrainerCommand;
  /** Extra environment for every trainer process (tests: MIZAN_TRAINER_ENTRY). */
  trainerEnv?: Record<string, string>;
  /** Trainer processes at once across all executions (default: the number of cores). */
  maxParallelJobs?: number;
  snapshotConcurrency?: number;
  log?: (line: string) => void;
  /** Each line a trainer prints (progress: epochs, snapshot years), prefixed with its job. */
  trainerOutput?: (line: string) => void;
}

export const INTERRUPTED_CAUSE = 'interrupted: the server stopped while this run was in progress';

export class LocalWorkflow implements Workflow {
  readonly executions: ExecutionStore;
  readonly trainers: TrainerJobs;
  private readonly dataDir: string;
  private readonly definition: StateMachineDefinition;
  private readonly running = new Map<string, Promise<LocalExecutionRecord>>();
  private readonly starting = new Map<string, Promise<{ executionId: string }>>();
  /** Ended executions whose last write the disk refused: this process answers from here. */
  private readonly unwritten = new Map<string, LocalExecutionRecord>();
  private readonly log: (line: string) => void;

  private constructor(private readonly options: LocalWorkflowOptions) {
    const dataDir = resolve(options.dataDir);
    this.dataDir = dataDir;
    this.executions = new ExecutionStore(dataDir);
    this.trainers =
      options.trainerJobs ??
      new TrainerProcesses({
        command: options.trainer ?? defaultTrainerCommand(),
        dataDir,
        maxParallel: options.maxParallelJobs ?? availableParallelism(),
        env: options.trainerEnv,
        onOutput: options.trainerOutput,
      });
    this.definition = localTrainModelDefinition({ snapshotConcurrency: options.snapshotConcurrency }) as unknown as StateMachineDefinition;
    this.log = options.log ?? (() => undefined);
  }

  /** Creates the runner, tidies the data dir and settles executions a previous runner left RUNNING. */
  static async open(options: LocalWorkflowOptions): Promise<LocalWorkflow> {
    const workflow = new LocalWorkflow(options);
    try {
      await sweepDataDir(workflow.dataDir, workflow.log);
    } catch (error) {
      workflow.log(`mizan: could not tidy ${workflow.dataDir}: ${oneLine(error, workflow.dataDir)}`);
    }
    await workflow.recoverInterrupted();
    return workflow;
  }

  async start(name: string, input: unknown): Promise<{ executionId: string }> {
    if (!isSafeExecutionId(name)) throw new Error(`invalid execution name ${JSON.stringify(name)}`);
    // One start per name at a time, so two racing starts cannot both create the execution.
    const pending = this.starting.get(name);
    if (pending) {
      await pending.catch(() => undefined);
      return this.start(name, input);
    }
    const attempt = this.startOnce(name, input);
    this.starting.set(name, attempt);
    try {
      return await attempt;
    } finally {
      this.starting.delete(name);
    }
  }

  async describe(executionId: string): Promise<ExecutionDescription | undefined> {
    const record = await this.read(executionId);
    if (!record) return undefined;
    const { events: _events, ...description } = record;
    return description;
  }

  /** The execution record's status fields (the file holds the whole record: locally that read is cheap anyway). */
  async status(executionId: string): Promise<ExecutionSummary | undefined> {
    const record = await this.read(executionId);
    if (!record) return undefined;
    const { executionId: id, status, startedAt, stoppedAt, error, cause } = record;
    return { executionId: id, status, startedAt, ...(stoppedAt ? { stoppedAt } : {}), ...(error ? { error } : {}), ...(cause ? { cause } : {}) };
  }

  /** The full record with its event history. */
  history(executionId: string): Promise<LocalExecutionRecord | undefined> {
    return this.read(executionId);
  }

  private async read(executionId: string): Promise<LocalExecutionRecord | undefined> {
    return this.unwritten.get(executionId) ?? (await this.executions.read(executionId));
  }

  /**
   * Resolves when the execution has ended (at once if it already has). An execution not yet
   * written is waited for up to `startGraceMs`: a version's claim is taken just before its
   * execution is started, so another process can see the claim a moment before the execution.
   */
  async waitFor(executionId: string, pollMs = 1000, startGraceMs = 30_000): Promise<ExecutionDescription> {
    const giveUpAt = Date.now() + startGraceMs;
    for (;;) {
      await this.running.get(executionId); // run by this process: its promise ends with the record written
      const description = await this.describe(executionId);
      if (!description) {
        if (Date.now() >= giveUpAt) throw new Error(`no execution ${executionId}: its version was claimed but the run was never started`);
        await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, 100)));
        continue;
      }
      if (description.status !== 'RUNNING') return description;
      if (this.running.has(executionId)) continue;
      // Another process (a server, another CLI) runs it: wait for its end, and take it over as
      // interrupted if that process dies first (as a restart would).
      await new Promise((resolve) => setTimeout(resolve, pollMs));
      await this.recoverInterrupted();
    }
  }

  /** Kills running trainers and waits for their executions to be recorded FAILED. */
  async close(): Promise<void> {
    this.trainers.killAll();
    await Promise.allSettled([...this.running.values()]);
  }

  private async startOnce(name: string, input: unknown): Promise<{ executionId: string }> {
    const existing = await this.executions.read(name);
    if (existing) {
      // Step Functions semantics: the same name and input is the same execution; another input is an error.
      if (JSON.stringify(existing.input) === JSON.stringify(input)) return { executionId: existing.executionId };
      const error = new Error(`execution ${name} already exists with another input`);
      error.name = 'ExecutionAlreadyExists';
      throw error;
    }
    const record: LocalExecutionRecord = {
      executionId: name,
      name,
      status: 'RUNNING',
      startedAt: new Date().toISOString(),
      input,
      states: [],
      events: [],
      ownerPid: process.pid,
    };
    await this.executions.holdRoom(name);
    await this.executions.write(record).catch(async (error: unknown) => {
      await this.executions.releaseRoom(name);
      throw error;
    });
    // Never rejects: a run that throws (a bug) is left RUNNING on disk, and settled as interrupted.
    const run = this.run(record).catch(async (error: unknown) => {
      await this.executions.releaseRoom(name);
      this.log(`execution ${name} ended abnormally: ${oneLine(error, this.dataDir)}`);
      return record;
    });
    this.running.set(name, run);
    void run.finally(() => this.running.delete(name));
    return { executionId: name };
  }

  private async run(record: LocalExecutionRecord): Promise<LocalExecutionRecord> {
    const id = record.executionId;
    const logFile = this.executions.logFile(id);
    const batch = (label: (input: SubmitJobRequest) => string) => async (input: unknown) => {
      const request = input as SubmitJobRequest;
      try {
        return (await this.trainers.run(id, request, logFile, label(request))) as never;
      } catch (error) {
        // A failed job fails its Map: stop its sibling iterations' trainers now.
        this.trainers.killExecution(id);
        throw error;
      }
    };
    const lambda = (fn: StepFn) => async (input: unknown) => (await fn(input)) as never;
    const machine = new StateMachine(this.definition, { validationOptions: { checkArn: true, checkPaths: true } });
    const execution = machine.run(record.input as never, {
      overrides: {
        taskResourceLocalHandlers: {
          [STATE.train]: batch(() => 'Train'),
          [STATE.fineTune]: batch(() => 'Fine-tune'), // the CPU queue on AWS; the same trainer process here
          [STATE.trainSnapshot]: batch((request) => `snapshot ${envValue(request, 'MIZAN_SNAPSHOT_YEAR_END') ?? ''}`.trim()),
          [STATE.scoreWalkForward]: batch(() => 'Score walk-forward'), // the CPU queue on AWS
          [STATE.decidePromotion]: lambda(this.options.steps.decidePromotion),
          [STATE.publish]: lambda(this.options.steps.publish),
          [STATE.recordResult]: lambda(this.options.steps.recordResult),
          [STATE.recordFailure]: lambda(this.options.steps.recordFailure),
        },
      },
      context: { Execution: { Id: id, Name: record.name, Input: record.input as never, StartTime: record.startedAt } },
    });

    const consumeEvents = (async () => {
      for await (const event of execution.eventLogs) {
        const entry = toHistoryEvent(event as unknown as RawEvent);
        record.events.push(entry);
        if (entry.type === 'ExecutionFailed') {
          record.error = entry.error;
          record.cause = entry.cause;
        }
        if (entry.state) {
          record.states = timingsFromEvents(record.events);
          void this.executions.write(record).catch(() => undefined);
        }
      }
    })();

    let ended: { output: unknown } | { error: Error };
    try {
      ended = { output: await execution.result };
    } catch (error) {
      ended = { error: error as Error };
    } finally {
      this.trainers.killExecution(id);
      this.trainers.forget(id);
    }
    // The status changes only once every event is in: the event loop above writes the record as
    // states end, and a reader must never see FAILED before its error and cause (or SUCCEEDED
    // before its last state).
    await consumeEvents.catch(() => undefined);
    if ('error' in ended) {
      record.error ??= ended.error.name;
      record.cause ??= ended.error.message;
      record.status = 'FAILED';
    } else {
      record.output = ended.output;
      record.status = 'SUCCEEDED';
    }
    record.stoppedAt = new Date().toISOString();
    record.states = timingsFromEvents(record.events);
    if (record.status === 'FAILED') await this.freeClaim(record, { error: record.error ?? 'States.Runtime', cause: record.cause ?? 'unknown cause' });
    await this.writeEnd(record);
    this.log(`execution ${id} ${record.status}${record.status === 'FAILED' ? `: ${record.error}` : ''}`);
    return record;
  }

  /**
   * Writes an ended execution. Never throws: if the disk refuses, this process answers from memory and
   * the next runner settles the file from the version's record (recoverInterrupted).
   */
  private async writeEnd(record: LocalExecutionRecord): Promise<void> {
    try {
      await this.executions.writeEnd(record);
      this.unwritten.delete(record.executionId);
    } catch (error) {
      this.unwritten.set(record.executionId, record);
      this.log(`execution ${record.executionId}: its end could not be written (${oneLine(error, this.dataDir)}); the next run records it`);
    }
  }

  /**
   * What "Record failure" normally does, when it could not (or the runner died): undo the run's
   * promotion if it decided one, then record the version FAILED, freeing its claim; and remove the
   * version dir if the model in it was never complete. Never throws (the next runner tries again).
   */
  private async freeClaim(record: LocalExecutionRecord, error: { error: string; cause: string }): Promise<void> {
    const plan = (record.input as { plan?: TrainingPlan } | undefined)?.plan;
    if (!plan?.kind || !plan.version) return;
    const { registry, store } = this.options;
    try {
      const claim = await registry.get(plan.kind, plan.version);
      if (claim?.status === 'RUNNING' && claim.executionId === record.executionId) {
        // Undone first, as Record failure does: a version is never FAILED under `current`.
        if (store && decidedPromotion(record)) await undoPromotion({ plan, decidedInThisRun: true }, { store, registry });
        await registry.fail(plan.kind, plan.version, error, { executionId: record.executionId });
      }
      await removeUncommittedVersion(this.dataDir, plan.kind, plan.version);
    } catch (failure) {
      this.log(`could not free the claim of ${record.executionId}: ${oneLine(failure, this.dataDir)}`);
    }
  }

  private async recoverInterrupted(): Promise<void> {
    let records: LocalExecutionRecord[];
    try {
      records = await this.executions.list();
    } catch (error) {
      this.log(`mizan: could not read the executions under ${this.dataDir}: ${oneLine(error, this.dataDir)}`);
      return;
    }
    for (const onDisk of records) {
      if (onDisk.status !== 'RUNNING' || this.running.has(onDisk.executionId)) continue;
      // Ended here, its end refused by the disk: written now if the disk takes it.
      const ended = this.unwritten.get(onDisk.executionId);
      if (ended) {
        await this.writeEnd(ended);
        continue;
      }
      // Another live process (a server while the CLI trains, or the reverse) still runs it.
      if (onDisk.ownerPid !== undefined && onDisk.ownerPid !== process.pid && isAlive(onDisk.ownerPid)) continue;
      await this.settle(onDisk);
    }
  }

  /**
   * An execution RUNNING on disk whose runner is gone: if the version's record holds this execution's
   * outcome (the runner recorded it, then could not write its own end), the execution takes it;
   * otherwise the run was interrupted.
   */
  private async settle(record: LocalExecutionRecord): Promise<void> {
    const now = new Date().toISOString();
    const outcome = await this.recordedOutcome(record);
    if (outcome?.status === 'SUCCEEDED') {
      record.status = 'SUCCEEDED';
      record.output = outcome.response;
    } else {
      record.status = 'FAILED';
      record.error = outcome?.error?.error ?? 'Interrupted';
      record.cause = outcome?.error?.cause ?? INTERRUPTED_CAUSE;
      if (!outcome) await this.freeClaim(record, { error: 'Interrupted', cause: INTERRUPTED_CAUSE });
    }
    record.stoppedAt = outcome?.finishedAt ?? now;
    record.events.push(
      record.status === 'SUCCEEDED'
        ? { type: 'ExecutionSucceeded', timestamp: record.stoppedAt }
        : { type: 'ExecutionFailed', timestamp: record.stoppedAt, error: record.error, cause: record.cause },
    );
    for (const timing of record.states) {
      if (timing.status === 'RUNNING') Object.assign(timing, { status: record.status === 'SUCCEEDED' ? 'SUCCEEDED' : 'FAILED', endedAt: record.stoppedAt });
    }
    await this.writeEnd(record);
    this.log(
      outcome
        ? `execution ${record.executionId} ended ${record.status} without writing its end: recorded from its version's record`
        : `execution ${record.executionId} was interrupted: marked FAILED, claim freed`,
    );
  }

  /** The version's record when it is this execution's and ended. */
  private async recordedOutcome(record: LocalExecutionRecord): Promise<VersionRecord | undefined> {
    const plan = (record.input as { plan?: TrainingPlan } | undefined)?.plan;
    if (!plan?.kind || !plan.version) return undefined;
    try {
      const version = await this.options.registry.get(plan.kind, plan.version);
      return version?.executionId === record.executionId && version.status !== 'RUNNING' ? version : undefined;
    } catch {
      return undefined;
    }
  }
}

/** An error as one line: a refused write names the data dir. */
function oneLine(error: unknown, dataDir: string): string {
  return describeWriteFailure(error, dataDir) ?? (error as Error).message ?? String(error);
}

interface RawEvent {
  type: string;
  timestamp: number;
  state?: { name: string; input?: unknown };
  index?: number;
  Error?: string;
  Cause?: unknown;
}

function toHistoryEvent(event: RawEvent): HistoryEvent {
  const entry: HistoryEvent = { type: event.type, timestamp: new Date(event.timestamp).toISOString() };
  if (event.state) entry.state = event.state.name;
  if (event.index !== undefined) {
    entry.index = event.index;
    const year = (event.state?.input as { snapshotYearEnd?: unknown } | undefined)?.snapshotYearEnd;
    if (typeof year === 'string') entry.item = year;
  }
  if (event.Error !== undefined) entry.error = event.Error;
  if (event.Cause !== undefined) entry.cause = typeof event.Cause === 'string' ? event.Cause : JSON.stringify(event.Cause);
  return entry;
}

function envValue(request: SubmitJobRequest, name: string): string | undefined {
  return request.ContainerOverrides?.Environment?.find((e) => e.Name === name)?.Value;
}
