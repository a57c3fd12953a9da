/**
 * AWS Batch for the deployed tier: a SubmitJob request from the state machine runs the trainer the way
 * the synthesized job definition says, in a child process: the image's ENTRYPOINT (the Dockerfile's,
 * as the job definition sets no command) in the repository (the image's /app), the job definition's
 * environment with the request's overrides, the job role as the caller of every AWS call, and the job
 * definition's per-attempt timeout (or the request's `Timeout`, which replaces it, as on Batch) as the
 * limit after which the job is killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CfnResolver, CfnTemplate } from './cfn-names.ts';
import { REGION } from './cfn-names.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface SubmitJobRequest {
  JobName: string;
  JobQueue: string;
  JobDefinition: string;
  ContainerOverrides?: { Environment?: Array<{ Name: string; Value: string }> };
  Timeout?: { AttemptDurationSeconds?: number };
}

export interface JobRun {
  jobId: string;
  request: SubmitJobRequest;
  /** The job role's logical id: the principal of the trainer's AWS calls. */
  roleId: string;
  command: string[];
  /** The attempt's limit in seconds, as Batch would apply it. */
  attemptSeconds: number;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/** A failed job, as the `.sync` integration reports it to the state machine. */
export class BatchJobFailed extends Error {
  override readonly name = 'States.TaskFailed';
  constructor(readonly run: JobRun, readonly reason: string) {
    super(JSON.stringify({ JobId: run.jobId, JobName: run.request.JobName, Status: 'FAILED', StatusReason: reason, Container: { ExitCode: run.exitCode } }));
  }
}

export interface BatchOptions {
  template: CfnTemplate;
  resolver: CfnResolver;
  awsEnv: Record<string, string>;
  /** A test's replacement for the command of a job (e.g. a trainer that crashes); undefined keeps the image's. */
  commandFor?: (request: SubmitJobRequest) => { command: string[]; env?: Record<string, string> } | undefined;
  log?: (line: string) => void;
}

export class LocalBatch {
  readonly runs: JobRun[] = [];
  private readonly running = new Map<string, { child: ChildProcess; execution: string }>();
  private jobs = 0;

  constructor(private readonly options: BatchOptions) {}

  /** Runs one job to its end: its description (JobId, Status) or BatchJobFailed. `execution` groups jobs to terminate together. */
  async submit(request: SubmitJobRequest, execution: string): Promise<{ JobId: string; JobName: string; Status: string }> {
    const definition = this.jobDefinition(request.JobDefinition);
    const container = definition.ContainerProperties as { Environment?: unknown; JobRoleArn?: unknown; Command?: unknown };
    const roleId = (container.JobRoleArn as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt']?.[0];
    if (!roleId) throw new Error(`job definition ${request.JobDefinition} has no job role`);
    const definitionTimeout = (definition.Timeout as { AttemptDurationSeconds?: number } | undefined)?.AttemptDurationSeconds;
    const attemptSeconds = request.Timeout?.AttemptDurationSeconds ?? definitionTimeout ?? Infinity;
    const jobId = `job-${++this.jobs}`;
    const override = this.options.commandFor?.(request);
    const command = override?.command ?? (Array.isArray(container.Command) && container.Command.length > 0 ? (container.Command as string[]) : imageEntrypoint());
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/root',
      TMPDIR: process.env.TMPDIR ?? '/tmp',
      AWS_REGION: REGION,
      AWS_DEFAULT_REGION: REGION,
      AWS_BATCH_JOB_ID: jobId,
      ...toEnv(this.options.resolver.resolve(container.Environment ?? [])),
      ...toEnv(request.ContainerOverrides?.Environment ?? []),
      ...override?.env,
      ...this.options.awsEnv,
      AWS_ACCESS_KEY_ID: roleId,
      AWS_SECRET_ACCESS_KEY: 'deployed-tier',
    };
    const run: JobRun = { jobId, request, roleId, command, attemptSeconds, exitCode: null, signal: null, output: '' };
    this.runs.push(run);
    const child = spawn(command[0]!, command.slice(1), { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.running.set(jobId, { child, execution });
    for (const stream of [child.stdout, child.stderr]) {
      stream.setEncoding('utf8');
      stream.on('data', (text: string) => {
        run.output += text;
        this.options.log?.(`[${request.JobName} ${jobId}] ${text.trimEnd()}`);
      });
    }
    const timer = Number.isFinite(attemptSeconds) ? setTimeout(() => child.kill('SIGKILL'), attemptSeconds * 1000) : undefined;
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
    clearTimeout(timer);
    this.running.delete(jobId);
    run.exitCode = code;
    run.signal = signal;
    if (code !== 0) throw new BatchJobFailed(run, signal ? `Job terminated (${signal})` : 'Essential container in task exited');
    return { JobId: jobId, JobName: request.JobName, Status: 'SUCCEEDED' };
  }

  /** TerminateJob for every job of an execution still running; the ids terminated. */
  terminate(execution: string): string[] {
    const terminated: string[] = [];
    for (const [jobId, job] of this.running) {
      if (job.execution !== execution) continue;
      job.child.kill('SIGKILL');
      terminated.push(jobId);
    }
    return terminated;
  }

  private jobDefinition(arn: string): Record<string, unknown> {
    for (const [id, resource] of Object.entries(this.options.template.Resources)) {
      if (resource.Type === 'AWS::Batch::JobDefinition' && this.options.resolver.ref(id) === arn) return resource.Properties ?? {};
    }
    throw new Error(`no job definition ${arn} in the template`);
  }
}

function toEnv(pairs: unknown): Record<string, string> {
  return Object.fromEntries((pairs as Array<{ Name: string; Value: string }>).map(({ Name, Value }) => [Name, String(Value)]));
}

/** The trainer image's ENTRYPOINT, read from its Dockerfile (exec form). */
export function imageEntrypoint(): string[] {
  const dockerfile = readFileSync(join(REPO_ROOT, 'containers/trainer/Dockerfile'), 'utf8');
  const line = dockerfile.split('\n').reverse().find((l) => /^ENTRYPOINT\s+\[/.test(l));
  if (!line) throw new Error('containers/trainer/Dockerfile has no exec-form ENTRYPOINT');
  const entry = JSON.parse(line.replace(/^ENTRYPOINT\s+/, '')) as string[];
  // `node` in the image is the image's Node; here, this process's.
  return entry[0] === 'node' ? [process.execPath, ...entry.slice(1)] : entry;
}
