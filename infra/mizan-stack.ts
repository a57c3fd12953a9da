/**
 * The `Mizan` stack: HTTP API (IAM auth) → API Lambda → Step Functions `TrainModel` → AWS Batch
 * trainer jobs (GPU spot/on-demand, Fargate CPU), artifacts in S3, versions and `current` in DynamoDB,
 * weekly EventBridge schedules, the Hugging Face token in Secrets Manager (only when publishing).
 */
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { ALPHAVANTAGE_ENV } from '../src/adapters/alphavantage/alpha-vantage-key.ts';
import type { Construct } from 'constructs';
import { AWS_ENV } from '../src/runtime/aws-deps.ts';
import type { MizanConfig } from './config/config.ts';
import { acknowledgeNagFindings } from './nag-acknowledgements.ts';
import { MizanHttpApi } from './constructs/http-api.ts';
import { MizanFunction } from './constructs/mizan-function.ts';
import { TrainingSchedules } from './constructs/schedules.ts';
import { trainingSchedules } from './config/schedule-definitions.ts';
import { MizanStorage } from './constructs/storage.ts';
import { TrainingBatch } from './constructs/training-batch.ts';
import { TrainWorkflow } from './constructs/train-workflow.ts';
import { ExecutionEndRule } from './constructs/execution-end-rule.ts';

/** The API answers within API Gateway's 30 s integration limit: `?wait=` is capped below it. */
export const API_WAIT_CAP_SECONDS = 25;

export interface MizanStackProps extends StackProps {
  config: MizanConfig;
}

export class MizanStack extends Stack {
  readonly storage: MizanStorage;
  readonly batch: TrainingBatch;
  readonly workflow: TrainWorkflow;
  readonly httpApi: MizanHttpApi;
  readonly functions: Record<'api' | 'decidePromotion' | 'publish' | 'recordResult' | 'recordFailure' | 'executionEnded', MizanFunction>;
  readonly executionEndRule: ExecutionEndRule;
  readonly hfSecret: secretsmanager.ISecret | undefined;
  readonly alphaVantageSecret: secretsmanager.ISecret | undefined;
  readonly schedules: TrainingSchedules | undefined;

  constructor(scope: Construct, id: string, props: MizanStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.storage = new MizanStorage(this, 'Storage');
    const vpc = this.jobsVpc(config);
    // Live signals (dataSource yahoo): Alpha Vantage statements (key in a secret) and a sentiment parquet in the bucket.
    this.alphaVantageSecret = config.dataSource === 'yahoo' ? this.alphaVantageKeySecret(config) : undefined;
    const common = this.commonEnvironment(config);
    this.hfSecret = config.hfRepo === undefined ? undefined : this.hfTokenSecret(config);

    this.batch = this.trainingBatch(config, vpc, common);
    this.functions = this.lambdaFunctions(config, { ...common, ...this.hfEnvironment(config) });
    this.workflow = this.trainWorkflow(config);
    this.grantFunctions();
    // A run stopped from the console, timed out, or whose Record failure failed: recorded FAILED, its claim freed.
    const { stateMachine } = this.workflow;
    this.executionEndRule = new ExecutionEndRule(this, 'ExecutionEnd', { stateMachine, handler: this.functions.executionEnded.fn });
    this.httpApi = new MizanHttpApi(this, 'Http', { handler: this.functions.api.fn, logRetentionDays: config.logRetentionDays });
    this.schedules = config.schedules
      ? new TrainingSchedules(this, 'Schedules', { apiHandler: this.functions.api.fn, schedules: trainingSchedules(config) })
      : undefined;

    this.outputs();
    acknowledgeNagFindings(this);
  }

  /** Two AZs, public subnets for the NAT, private ones for the trainer jobs. */
  private jobsVpc(config: MizanConfig): ec2.Vpc {
    return new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: config.natGateways,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'jobs', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
      ],
      // S3 traffic of the trainers skips the NAT (cheaper, and it stays on the AWS network).
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 }, DynamoDB: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB } },
      flowLogs: { rejected: { trafficType: ec2.FlowLogTrafficType.REJECT } },
    });
  }

  /** The environment of every function and trainer job: where the artifacts and the registry are, the data source. */
  private commonEnvironment(config: MizanConfig): Record<string, string> {
    const { bucket, table } = this.storage;
    return {
      [AWS_ENV.bucket]: bucket.bucketName,
      [AWS_ENV.table]: table.tableName,
      [AWS_ENV.dataSource]: config.dataSource,
      MIZAN_PROFILE: config.profile,
      ...(this.alphaVantageSecret ? { [ALPHAVANTAGE_ENV.secretArn]: this.alphaVantageSecret.secretArn } : {}),
      ...(config.dataSource === 'yahoo' && config.newsSentimentKey ? { MIZAN_NEWS_SENTIMENT_KEY: config.newsSentimentKey } : {}),
    };
  }

  /** The Hugging Face repo and token secret, for the functions (the trainers do not publish). */
  private hfEnvironment(config: MizanConfig): Record<string, string> {
    return config.hfRepo && this.hfSecret ? { [AWS_ENV.hfRepo]: config.hfRepo, [AWS_ENV.hfSecretArn]: this.hfSecret.secretArn } : {};
  }

  /** The trainer jobs, their log group, and what their role may touch. */
  private trainingBatch(config: MizanConfig, vpc: ec2.IVpc, environment: Record<string, string>): TrainingBatch {
    const trainerLogs = new logs.LogGroup(this, 'TrainerLogs', { retention: config.logRetentionDays as logs.RetentionDays });
    const batch = new TrainingBatch(this, 'Batch', { config, vpc, environment, logGroup: trainerLogs });
    this.storage.bucket.grantReadWrite(batch.jobRole);
    this.alphaVantageSecret?.grantRead(batch.jobRole);
    this.storage.table.grantReadData(batch.jobRole);
    return batch;
  }

  private lambdaFunctions(config: MizanConfig, environment: Record<string, string>): MizanStack['functions'] {
    const fn = (id: string, handler: string, description: string, extra: Partial<ConstructorParameters<typeof MizanFunction>[2]> = {}) =>
      new MizanFunction(this, id, {
        handler,
        description,
        environment: { ...environment, ...extra.environment },
        timeout: extra.timeout ?? Duration.minutes(1),
        logRetentionDays: config.logRetentionDays,
        memorySize: extra.memorySize,
        withSampleData: extra.withSampleData,
        withWasm: extra.withWasm,
      });
    return {
      decidePromotion: fn('DecidePromotion', 'decide-promotion', 'TrainModel: compare with the current model and move `current` (compare-and-swap)'),
      publish: fn('Publish', 'publish', 'TrainModel: publish a trained version to its Hugging Face branch (and main when promoted)', { timeout: Duration.minutes(10) }),
      recordResult: fn('RecordResult', 'record-result', 'TrainModel: store the response of a finished run'),
      recordFailure: fn('RecordFailure', 'record-failure', 'TrainModel: mark a failed run and free its claim'),
      executionEnded: fn('ExecutionEnded', 'execution-ended', 'TrainModel: record a run that ended ABORTED, TIMED_OUT or FAILED without recording its version'),
      // Its state machine ARN is added by trainWorkflow: the state machine needs the other four functions first.
      api: fn('Api', 'api', 'mizan HTTP API: plan, version, start and describe training runs', {
        timeout: Duration.seconds(29),
        memorySize: 1024,
        withSampleData: config.dataSource === 'sample',
        withWasm: true, // GET /models/{kind}/allocation runs the agent
        environment: { MIZAN_WAIT_CAP_SECONDS: String(API_WAIT_CAP_SECONDS) },
      }),
    };
  }

  /** TrainModel over the Batch queues and the step functions; the API and ExecutionEnded get its ARN. */
  private trainWorkflow(config: MizanConfig): TrainWorkflow {
    const { api, decidePromotion, publish, recordResult, recordFailure, executionEnded } = this.functions;
    const workflow = new TrainWorkflow(this, 'TrainModel', {
      stateMachineName: `${this.stackName}-TrainModel`,
      logRetentionDays: config.logRetentionDays,
      refs: {
        trainJob: { jobQueueArn: this.batch.gpuQueue.jobQueueArn, jobDefinitionArn: this.batch.gpuJob.jobDefinitionArn },
        // Agent fine-tunes are a few epochs on 26 weeks: a Fargate CPU job, no GPU instance to start.
        fineTuneJob: { jobQueueArn: this.batch.cpuQueue.jobQueueArn, jobDefinitionArn: this.batch.cpuJob.jobDefinitionArn },
        snapshotJob: { jobQueueArn: this.batch.gpuQueue.jobQueueArn, jobDefinitionArn: this.batch.gpuJob.jobDefinitionArn },
        functions: { decidePromotion: decidePromotion.fn, publish: publish.fn, recordResult: recordResult.fn, recordFailure: recordFailure.fn },
      },
    });
    const { stateMachine } = workflow;
    api.fn.addEnvironment(AWS_ENV.stateMachineArn, stateMachine.stateMachineArn);
    executionEnded.fn.addEnvironment(AWS_ENV.stateMachineArn, stateMachine.stateMachineArn); // it reads the ended run's history
    return workflow;
  }

  /** Least privilege, per function. */
  private grantFunctions(): void {
    const { bucket, table } = this.storage;
    const { stateMachine } = this.workflow;
    const { api, decidePromotion, publish, recordResult, recordFailure, executionEnded } = this.functions;
    bucket.grantReadWrite(api.fn); // plans read data, the yahoo source caches price windows
    table.grantReadWriteData(api.fn);
    this.alphaVantageSecret?.grantRead(api.fn); // a plan of a kind with signals fingerprints the statements it will read
    stateMachine.grantStartExecution(api.fn);
    stateMachine.grantExecution(api.fn, 'states:DescribeExecution', 'states:GetExecutionHistory');
    bucket.grantRead(decidePromotion.fn);
    bucket.grantPut(decidePromotion.fn, 'runs/*/promotion.json'); // the decision it records (src/pipeline/decide-promotion.ts)
    table.grantReadWriteData(decidePromotion.fn);
    bucket.grantRead(publish.fn);
    table.grantReadData(publish.fn);
    this.hfSecret?.grantRead(publish.fn);
    bucket.grantReadWrite(recordResult.fn);
    table.grantReadWriteData(recordResult.fn);
    table.grantReadWriteData(recordFailure.fn);
    bucket.grantRead(recordFailure.fn); // Record failure reads the run's promotion decision to undo it
    table.grantReadWriteData(executionEnded.fn); // fails the claim; moves back or deletes CURRENT
    bucket.grantRead(executionEnded.fn); // the run's promotion.json (the undo writes the table only)
    stateMachine.grantExecution(executionEnded.fn, 'states:DescribeExecution', 'states:GetExecutionHistory'); // did the run decide its promotion?
  }

  private outputs(): void {
    const { bucket, table } = this.storage;
    new CfnOutput(this, 'ApiUrl', { value: this.httpApi.url, description: 'Base URL of the IAM-authorised HTTP API' });
    new CfnOutput(this, 'StateMachineArn', { value: this.workflow.stateMachine.stateMachineArn });
    new CfnOutput(this, 'ArtifactBucket', { value: bucket.bucketName });
    new CfnOutput(this, 'RegistryTable', { value: table.tableName });
    if (this.hfSecret) new CfnOutput(this, 'HfTokenSecretArn', { value: this.hfSecret.secretArn, description: 'Put the Hugging Face token here' });
  }

  /** The Alpha Vantage key: an existing secret by name, or a new one whose value the operator replaces. */
  private alphaVantageKeySecret(config: MizanConfig): secretsmanager.ISecret {
    if (config.alphaVantageSecretName) return secretsmanager.Secret.fromSecretNameV2(this, 'AlphaVantageKey', config.alphaVantageSecretName);
    return new secretsmanager.Secret(this, 'AlphaVantageKey', {
      description: 'mizan: Alpha Vantage API key for live fundamentals (replace the generated placeholder: aws secretsmanager put-secret-value)',
    });
  }

  /** The Hugging Face token: an existing secret by name, or a new one whose value the operator replaces. */
  private hfTokenSecret(config: MizanConfig): secretsmanager.ISecret {
    if (config.hfSecretName) return secretsmanager.Secret.fromSecretNameV2(this, 'HfToken', config.hfSecretName);
    return new secretsmanager.Secret(this, 'HfToken', {
      description: 'mizan: Hugging Face write token (replace the generated placeholder: aws secretsmanager put-secret-value)',
    });
  }
}
