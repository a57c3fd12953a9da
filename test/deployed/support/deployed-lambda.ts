/**
 * A synthesized Lambda function, run as Lambda would: its bundle copied to a task root with no
 * node_modules above it, imported by lambda-host.mjs in a child process whose environment is the
 * template's (intrinsics resolved, /var/task mapped to the copy) plus what the runtime adds, with the
 * function's role as its credentials (the recording proxy names the caller by it) and its timeout
 * as each invocation's deadline (getRemainingTimeInMillis; the process is killed past it).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CfnResolver } from './cfn-names.ts';
import { REGION } from './cfn-names.ts';
import type { SynthesizedFunction } from './synthesized-stack.ts';

const HOST = fileURLToPath(new URL('./lambda-host.mjs', import.meta.url));
/** Where the Lambda runtime unpacks a bundle; environment values under it point into the local copy. */
const LAMBDA_TASK_ROOT = '/var/task';

export class LambdaInvocationError extends Error {
  constructor(
    readonly errorType: string,
    readonly errorMessage: string,
    readonly trace: string[] = [],
  ) {
    super(`${errorType}: ${errorMessage}`);
    this.name = errorType;
  }

  /** What Step Functions puts in `Cause` for a failed Lambda task. */
  get stepFunctionsCause(): string {
    return JSON.stringify({ errorType: this.errorType, errorMessage: this.errorMessage, trace: this.trace });
  }
}

export interface DeployedFunctionOptions {
  resolver: CfnResolver;
  /** A folder for this function's task root. */
  workDir: string;
  /** AWS_ENDPOINT_URL and the like: where the SDK inside the bundle sends its calls. */
  awsEnv: Record<string, string>;
  /** Replace the template's timeout (seconds), e.g. to test a deadline without waiting 29 s. */
  timeoutSeconds?: number;
  log?: (line: string) => void;
}

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void; timer: NodeJS.Timeout };

export class DeployedFunction {
  readonly name: string;
  readonly arn: string;
  /** The logical id of the function's role: the principal of every AWS call it makes. */
  readonly roleId: string;
  readonly timeoutSeconds: number;
  readonly taskRoot: string;
  readonly environment: Record<string, string>;
  private child: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  constructor(
    readonly fn: SynthesizedFunction,
    private readonly options: DeployedFunctionOptions,
  ) {
    const { resolver } = options;
    const props = fn.resource.Properties ?? {};
    const physical = resolver.physical(fn.logicalId);
    this.name = physical.ref;
    this.arn = physical.arn!;
    this.roleId = ((props.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'] ?? [])[0]!;
    if (!this.roleId) throw new Error(`${fn.logicalId}: its Role is not a GetAtt of a role in the template`);
    this.timeoutSeconds = options.timeoutSeconds ?? Number(props.Timeout ?? 3);
    this.taskRoot = join(options.workDir, fn.logicalId, 'task');
    const variables = resolver.resolve((props.Environment as { Variables?: unknown } | undefined)?.Variables ?? {}) as Record<string, string>;
    this.environment = Object.fromEntries(
      Object.entries(variables).map(([key, value]) => [key, value.startsWith(LAMBDA_TASK_ROOT) ? this.taskRoot + value.slice(LAMBDA_TASK_ROOT.length) : value]),
    );
  }

  /** Copies the bundle and starts the container (the init phase: the bundle is imported here). */
  start(): Promise<void> {
    this.ready ??= this.boot();
    return this.ready;
  }

  /** One invocation: the handler's result, or a LambdaInvocationError as Lambda reports it. */
  async invoke(event: unknown): Promise<unknown> {
    await this.start();
    const child = this.child!;
    const id = ++this.nextId;
    const deadlineMs = Date.now() + this.timeoutSeconds * 1000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new LambdaInvocationError('Sandbox.Timedout', `Task timed out after ${this.timeoutSeconds.toFixed(2)} seconds`));
        this.restart(); // Lambda discards a container whose invocation timed out
      }, this.timeoutSeconds * 1000 + 250);
      this.pending.set(id, { resolve, reject, timer });
      child.send({ type: 'invoke', id, event, deadlineMs });
    });
  }

  async close(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    this.ready = undefined;
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
  }

  private async boot(): Promise<void> {
    mkdirSync(this.taskRoot, { recursive: true });
    cpSync(this.fn.assetDir, this.taskRoot, { recursive: true });
    const props = this.fn.resource.Properties ?? {};
    const memory = Number(props.MemorySize ?? 128);
    const env: Record<string, string> = {
      // What the nodejs runtime sets (a subset), then the function's own variables, then the local endpoints.
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      TZ: ':UTC',
      LANG: 'en_US.UTF-8',
      TMPDIR: process.env.TMPDIR ?? '/tmp',
      LAMBDA_TASK_ROOT: this.taskRoot,
      _HANDLER: String(props.Handler ?? 'index.handler'),
      AWS_REGION: REGION,
      AWS_DEFAULT_REGION: REGION,
      AWS_LAMBDA_FUNCTION_NAME: this.name,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memory),
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${this.name}`,
      MIZAN_TEST_FUNCTION_ARN: this.arn,
      ...this.environment,
      ...this.options.awsEnv,
      AWS_ACCESS_KEY_ID: this.roleId,
      AWS_SECRET_ACCESS_KEY: 'deployed-tier',
    };
    // The function's NODE_OPTIONS (--enable-source-maps) as Lambda applies it, and its memory as the heap ceiling.
    const execArgv = [...(env.NODE_OPTIONS ?? '').split(' ').filter(Boolean), `--max-old-space-size=${Math.floor(memory * 0.9)}`];
    delete env.NODE_OPTIONS;
    const child = fork(HOST, [], { cwd: this.taskRoot, env, execArgv, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'advanced' });
    this.child = child;
    const log = this.options.log;
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (text: string) => log?.(`[${this.fn.logicalId}] ${text.trimEnd()}`));
    }
    child.on('exit', (code, signal) => {
      for (const [id, pending] of this.pending) {
        clearTimeout(pending.timer);
        pending.reject(new LambdaInvocationError('Runtime.ExitError', `the function's process exited (${code ?? signal}) during the invocation`));
        this.pending.delete(id);
      }
    });
    await new Promise<void>((resolve, reject) => {
      child.on('message', (message: HostMessage) => {
        if (message.type === 'ready') resolve();
        else if (message.type === 'init-error') reject(new LambdaInvocationError(message.error.errorType, message.error.errorMessage, message.error.trace));
        else this.settle(message);
      });
      child.once('exit', (code) => reject(new Error(`${this.fn.logicalId}: the function's process exited (${code}) before it initialised`)));
    });
  }

  private settle(message: HostMessage): void {
    if (message.type !== 'result' && message.type !== 'error') return;
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    clearTimeout(pending.timer);
    if (message.type === 'result') pending.resolve(message.result);
    else pending.reject(new LambdaInvocationError(message.error.errorType, message.error.errorMessage, message.error.trace));
  }

  private restart(): void {
    void this.close();
  }
}

type SerializedError = { errorType: string; errorMessage: string; trace: string[] };
type HostMessage =
  | { type: 'ready' }
  | { type: 'init-error'; error: SerializedError }
  | { type: 'result'; id: number; result: unknown }
  | { type: 'error'; id: number; error: SerializedError };
