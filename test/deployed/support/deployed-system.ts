/**
 * The synthesized Mizan stack, run on this machine: S3 on s3rver and DynamoDB on dynalite (the
 * template's bucket and table), the Lambda bundles in their own processes, the state machine's
 * definition from the template on aws-local-stepfunctions behind a Step Functions endpoint, Batch jobs
 * as trainer processes, the template's EventBridge rules, and API Gateway's routes in front of the API
 * bundle. Every AWS call goes through one recording proxy, signed with the caller's role as its key id,
 * so each can be checked against that role's synthesized policies; the state machine's own calls
 * (Lambda invokes, Batch submits, polls and terminations) are recorded as its role makes them.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDynalite, type LocalDynamo } from '../../support/dynalite.ts';
import { startS3rver, type LocalS3 } from '../../support/s3rver.ts';
import { AwsCallRecorder, type RecordedCall } from './aws-call-recorder.ts';
import { BatchJobFailed, LocalBatch, type BatchOptions, type SubmitJobRequest } from './batch-jobs.ts';
import { ACCOUNT, CfnResolver, REGION } from './cfn-names.ts';
import { DeployedFunction, LambdaInvocationError } from './deployed-lambda.ts';
import { matchingTargets, type RuleTarget } from './event-rules.ts';
import { HttpApiGateway } from './http-api-gateway.ts';
import { SecretsManagerServer } from './secrets-manager-server.ts';
import { StepFunctionsServer, type Execution, type StatusChangeEvent, type TaskCall } from './step-functions-server.ts';
import { resourcesOfType, synthesizedFunctions, synthesizedStack, type SynthesizedStack } from './synthesized-stack.ts';

/** The rule the Batch `.sync` integration manages (Step Functions' documented policy names it). */
const BATCH_SYNC_RULE = `arn:aws:events:${REGION}:${ACCOUNT}:rule/StepFunctionsGetEventsForBatchJobsRule`;

export interface DeployedSystemOptions {
  /** CDK context of the synth (default: the tier's SYNTH_CONTEXT, the smoke profile). */
  context?: Record<string, string>;
  /** Added to every function's environment (e.g. HF_ENDPOINT: where the Hub is). */
  functionEnv?: Record<string, string>;
  /** Replace a function's timeout (seconds) by logical-id prefix, e.g. `{ Api: 6 }`. */
  functionTimeouts?: Record<string, number>;
  /** The state machine's TimeoutSeconds, replaced (a test of TIMED_OUT cannot wait 72 h). */
  executionTimeoutSeconds?: number;
  commandFor?: BatchOptions['commandFor'];
  log?: (line: string) => void;
}

export interface DeliveredEvent {
  event: StatusChangeEvent;
  target: RuleTarget;
  result?: unknown;
  error?: string;
}

export class DeployedSystem {
  readonly stateMachineCalls: RecordedCall[] = [];
  readonly delivered: DeliveredEvent[] = [];
  readonly functions = new Map<string, DeployedFunction>();
  readonly bucket: string;
  readonly table: string;
  readonly stateMachineArn: string;
  readonly stateMachineRoleId: string;
  readonly gateway: HttpApiGateway;
  readonly batch: LocalBatch;
  readonly stepFunctions: StepFunctionsServer;
  private readonly deliveries: Array<Promise<void>> = [];

  private constructor(
    readonly stack: SynthesizedStack,
    readonly resolver: CfnResolver,
    readonly s3: LocalS3,
    readonly dynamo: LocalDynamo,
    readonly recorder: AwsCallRecorder,
    readonly stepFunctionsServer: StepFunctionsServer,
    readonly secretsManager: SecretsManagerServer,
    options: DeployedSystemOptions,
  ) {
    const { template } = stack;
    this.bucket = resolver.ref(only(template, 'AWS::S3::Bucket', (p) => p.LoggingConfiguration !== undefined));
    this.table = resolver.ref(only(template, 'AWS::DynamoDB::Table'));
    const machineId = only(template, 'AWS::StepFunctions::StateMachine');
    this.stateMachineArn = resolver.ref(machineId);
    this.stateMachineRoleId = (template.Resources[machineId]!.Properties!.RoleArn as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    this.stepFunctions = stepFunctionsServer;
    const awsEnv = { AWS_ENDPOINT_URL: recorder.url };
    const functionEnv = { ...options.functionEnv, ...awsEnv };
    const workDir = mkdtempSync(join(tmpdir(), 'mizan-deployed-'));
    for (const fn of synthesizedFunctions(stack)) {
      const timeout = Object.entries(options.functionTimeouts ?? {}).find(([prefix]) => fn.logicalId.startsWith(prefix))?.[1];
      this.functions.set(fn.logicalId, new DeployedFunction(fn, { resolver, workDir, awsEnv: functionEnv, timeoutSeconds: timeout, log: options.log }));
    }
    this.gateway = new HttpApiGateway(template, this.function('Api'));
    this.batch = new LocalBatch({ template, resolver, awsEnv, commandFor: options.commandFor, log: options.log });
  }

  static async start(options: DeployedSystemOptions = {}): Promise<DeployedSystem> {
    const stack = await synthesizedStack(options.context);
    const resolver = new CfnResolver(stack.template);
    const [s3, dynamo] = await Promise.all([startS3rver(), startDynalite()]);
    const late: { system?: DeployedSystem } = {}; // the server's callbacks need the system it is part of
    const definition = stateMachineDefinition(stack, resolver, options.executionTimeoutSeconds);
    const machineId = only(stack.template, 'AWS::StepFunctions::StateMachine');
    const stepFunctions = new StepFunctionsServer({
      stateMachineArn: resolver.ref(machineId),
      definition,
      account: ACCOUNT,
      region: REGION,
      runTask: (call) => late.system!.runTask(call),
      onStopped: (execution) => late.system!.terminateJobs(execution),
      onStatusChange: (event) => late.system!.deliver(event),
    });
    const secretsManager = new SecretsManagerServer();
    await Promise.all([stepFunctions.start(), secretsManager.start()]);
    const recorder = new AwsCallRecorder({
      region: REGION,
      account: ACCOUNT,
      upstreams: { s3: s3.endpoint, dynamodb: dynamo.endpoint, states: stepFunctions.url, secretsmanager: secretsManager.url },
    });
    await recorder.start();
    const system = (late.system = new DeployedSystem(stack, resolver, s3, dynamo, recorder, stepFunctions, secretsManager, options));
    await s3.createBucket(system.bucket);
    await dynamo.createRegistryTable(system.table);
    return system;
  }

  /** The function whose logical id starts with `prefix` (`Api`, `DecidePromotion`, ...). */
  function(prefix: string): DeployedFunction {
    const found = [...this.functions.values()].find((fn) => fn.fn.logicalId.startsWith(`${prefix}Function`) || fn.fn.logicalId === prefix);
    if (!found) throw new Error(`no function ${prefix} in the template (${[...this.functions.keys()].join(', ')})`);
    return found;
  }

  /** Every AWS call observed: the functions' and jobs' through the proxy, and the state machine's own. */
  calls(): RecordedCall[] {
    return [...this.recorder.calls(), ...this.stateMachineCalls];
  }

  /** Resolves when the execution has ended and its status change has been delivered. */
  async settled(executionName: string): Promise<Execution> {
    const execution = this.stepFunctions.execution(executionName);
    await execution.done;
    await Promise.allSettled(this.deliveries);
    return execution;
  }

  async close(): Promise<void> {
    await this.stepFunctions.close();
    await Promise.allSettled(this.deliveries);
    await Promise.allSettled([...this.functions.values()].map((fn) => fn.close()));
    await Promise.all([this.recorder.close(), this.secretsManager.close()]);
    await Promise.allSettled([this.s3.stop(), this.dynamo.stop()]);
  }

  private recordMachineCall(action: string, resources: string[]): void {
    this.stateMachineCalls.push({ principal: this.stateMachineRoleId, service: action.split(':')[0]!, action, resources, status: 200 });
  }

  private async runTask(call: TaskCall): Promise<unknown> {
    if (call.resource.startsWith('arn:aws:states:::batch:submitJob')) return this.runBatchTask(call);
    const fn = [...this.functions.values()].find((f) => f.arn === call.resource);
    if (!fn) throw new Error(`Task ${call.stateName}: no function ${call.resource} in the template`);
    this.recordMachineCall('lambda:InvokeFunction', [fn.arn]);
    try {
      return await fn.invoke(call.input);
    } catch (error) {
      // Step Functions reports a function error as Error = its errorType, Cause = Lambda's JSON error.
      if (error instanceof LambdaInvocationError) throw Object.assign(new Error(error.stepFunctionsCause), { name: error.errorType });
      throw error;
    }
  }

  private async runBatchTask(call: TaskCall): Promise<unknown> {
    const request = call.input as SubmitJobRequest;
    this.recordMachineCall('batch:SubmitJob', [request.JobQueue, request.JobDefinition]);
    for (const action of ['events:PutTargets', 'events:PutRule', 'events:DescribeRule']) this.recordMachineCall(action, [BATCH_SYNC_RULE]);
    this.recordMachineCall('batch:DescribeJobs', ['*']);
    try {
      return await this.batch.submit(request, call.execution.name);
    } catch (error) {
      // The state fails (and with it a Map): Step Functions stops the execution's other jobs.
      this.terminateJobs(call.execution);
      if (error instanceof BatchJobFailed) throw Object.assign(new Error(error.message), { name: error.name });
      throw error;
    }
  }

  private terminateJobs(execution: Execution): void {
    for (const jobId of this.batch.terminate(execution.name)) {
      this.recordMachineCall('batch:TerminateJob', [`arn:aws:batch:${REGION}:${ACCOUNT}:job/${jobId}`]);
    }
  }

  /** EventBridge: the status change to every matching rule's Lambda target, asynchronously (as an event is). */
  private async deliver(event: StatusChangeEvent): Promise<void> {
    for (const target of matchingTargets(this.stack.template, this.resolver, event as unknown as Record<string, unknown>)) {
      const fn = [...this.functions.values()].find((f) => f.arn === target.functionArn);
      const delivery = (async () => {
        const entry: DeliveredEvent = { event, target };
        this.delivered.push(entry);
        if (!fn || !target.permitted) {
          entry.error = fn ? `no Lambda::Permission lets ${target.ruleId} invoke ${fn.name}` : `no function ${target.functionArn}`;
          return;
        }
        try {
          entry.result = await fn.invoke(event);
        } catch (error) {
          entry.error = (error as Error).message;
        }
      })();
      this.deliveries.push(delivery);
    }
  }
}

/** The definition as deployed (DefinitionString with every reference resolved), adjusted only where the local engine differs. */
function stateMachineDefinition(stack: SynthesizedStack, resolver: CfnResolver, timeoutSeconds: number | undefined): Record<string, unknown> {
  const machine = stack.template.Resources[only(stack.template, 'AWS::StepFunctions::StateMachine')]!;
  const definition = JSON.parse(resolver.resolveString(machine.Properties!.DefinitionString)) as Record<string, unknown>;
  if (timeoutSeconds !== undefined) definition.TimeoutSeconds = timeoutSeconds;
  noDefaultTaskTimeout(definition);
  return definition;
}

/** aws-local-stepfunctions ends a Task after 60 s unless it has TimeoutSeconds; Step Functions has no such default. */
function noDefaultTaskTimeout(machine: Record<string, unknown>): void {
  for (const state of Object.values(machine.States as Record<string, Record<string, unknown>>)) {
    if (state.Type === 'Task' && state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined) state.TimeoutSeconds = 2_000_000; // ~23 days: the largest a Node timer holds
    for (const nested of [state.ItemProcessor, state.Iterator]) if (nested) noDefaultTaskTimeout(nested as Record<string, unknown>);
  }
}

function only(template: SynthesizedStack['template'], type: string, where: (props: Record<string, unknown>) => boolean = () => true): string {
  const found = resourcesOfType(template, type).filter(([, r]) => where(r.Properties ?? {}));
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0]![0];
}
