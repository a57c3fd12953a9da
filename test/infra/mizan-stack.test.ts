/**
 * The synthesized `Mizan` stack, read the way a reviewer of the CloudFormation would: one synth
 * (Lambdas bundled by the local esbuild, CloudFormation schema validation off) shared by every test.
 */
import type { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app.ts';
import { API_ROUTES } from '../../infra/constructs/routes.ts';
import type { MizanStack } from '../../infra/mizan-stack.ts';
import { asArray, logicalIdOfToken, policyStatements, stateMachineDefinition } from './synth-helpers.ts';

type Json = Record<string, unknown>;

let app: App;
let stack: MizanStack;
let template: Template;

beforeAll(() => {
  // Environment-agnostic (no account/region), publishing on, schedules on (the default).
  ({ app, stack } = buildApp({ cloudFormationValidation: false, env: {}, context: { hfRepo: 'acme/mizan-{kind}' } }));
  template = Template.fromStack(stack);
});

const resources = (type: string): Array<[string, Json]> =>
  Object.entries(template.findResources(type)).map(([id, r]) => [id, (r as { Properties: Json }).Properties]);
const logicalId = (construct: { node: { defaultChild?: unknown } }): string =>
  stack.getLogicalId(construct.node.defaultChild as Parameters<MizanStack['getLogicalId']>[0]);

describe('HTTP API', () => {
  it('has every endpoint of DESIGN.md, each IAM-authorised and integrated with the API Lambda', () => {
    // Prepare
    const routes = resources('AWS::ApiGatewayV2::Route');
    const [integrationId, integration] = resources('AWS::ApiGatewayV2::Integration')[0]!;

    // Assess
    expect(routes.map(([, r]) => r.RouteKey).sort()).toEqual(API_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    expect(routes).toHaveLength(15); // 10 train routes, an execution, a model, an allocation by GET and by POST, a model's current
    for (const [, route] of routes) {
      expect(route.AuthorizationType).toBe('AWS_IAM');
      expect(route.Target).toEqual({ 'Fn::Join': ['', ['integrations/', { Ref: integrationId }]] });
    }
    expect(resources('AWS::ApiGatewayV2::Integration')).toHaveLength(1);
    expect(integration).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
    expect(JSON.stringify(integration.IntegrationUri)).toContain(logicalId(stack.functions.api.fn));
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
  });

  it('runs the API Lambda on nodejs22.x with the bucket, table, state machine and a 25 s wait cap', () => {
    // Prepare
    const api = resources('AWS::Lambda::Function').find(([id]) => id === logicalId(stack.functions.api.fn))![1];
    const env = (api.Environment as { Variables: Json }).Variables;

    // Assess
    expect(api.Runtime).toBe('nodejs22.x');
    expect(api.TracingConfig).toEqual({ Mode: 'Active' });
    expect(env.MIZAN_BUCKET).toEqual({ Ref: logicalId(stack.storage.bucket) });
    expect(env.MIZAN_TABLE).toEqual({ Ref: logicalId(stack.storage.table) });
    expect(env.MIZAN_STATE_MACHINE_ARN).toEqual({ Ref: logicalId(stack.workflow.stateMachine) });
    expect(env.MIZAN_WAIT_CAP_SECONDS).toBe('25');
    expect(env.MIZAN_SAMPLE_DIR).toBe('/var/task/data/sample');
    expect(Number(api.Timeout)).toBeLessThan(30); // under API Gateway's 30 s integration limit
    for (const [, fn] of resources('AWS::Lambda::Function')) expect(fn.Runtime).toBe('nodejs22.x');
  });
});

describe('TrainModel state machine', () => {
  it('runs Train on Batch (.sync), backfills snapshots in a Map, retries transient errors and catches every failure', () => {
    // Prepare
    const asl = stateMachineDefinition(template);
    const backfill = asl.States['Backfill snapshots'] as Json;
    const processor = backfill.ItemProcessor as { StartAt: string; States: Record<string, Json> };

    // Assess
    expect(asl.StartAt).toBe('Full or fine-tune?');
    for (const name of ['Train', 'Fine-tune']) {
      const job = asl.States[name] as Json;
      expect(job.Resource, name).toBe('arn:TOKEN:states:::batch:submitJob.sync');
      expect(JSON.stringify(job.Retry), name).toContain('Batch.');
      expect(JSON.stringify(job.Retry), name).not.toContain('States.');
      expect(job.Catch, name).toEqual([expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: 'Record failure' })]);
      expect(job.Next, name).toBe('Backfill snapshots?'); // everything that can fail comes before Decide promotion
    }
    expect(backfill.Type).toBe('Map');
    expect(processor.States[processor.StartAt]!.Resource).toBe('arn:TOKEN:states:::batch:submitJob.sync');
    expect(backfill.Catch).toEqual([expect.objectContaining({ Next: 'Record failure' })]);
    // The backfilled snapshots are scored before Decide promotion: a failed scoring fails the run.
    const score = asl.States['Score walk-forward'] as Json;
    expect(backfill.Next).toBe('Score walk-forward');
    expect(score).toMatchObject({ Resource: 'arn:TOKEN:states:::batch:submitJob.sync', Next: 'Decide promotion' });
    expect(score.Catch).toEqual([expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: 'Record failure' })]);
    expect(JSON.stringify(score.Retry)).not.toContain('States.');
    for (const name of ['Decide promotion', 'Record result']) {
      expect((asl.States[name] as Json).Catch, name).toEqual([expect.objectContaining({ Next: 'Record failure' })]);
    }
    // A failed upload is recorded in the result; it does not fail a trained, promoted model.
    expect((asl.States['Publish to Hugging Face'] as Json).Catch).toEqual([expect.objectContaining({ Next: 'Record result', ResultPath: '$.publishError' })]);
    expect((asl.States['Record failure'] as Json).Next).toBe('Training failed');
    expect((asl.States['Training failed'] as Json).Type).toBe('Fail');
  });

  it('trains full runs and snapshots on the GPU queue, agent fine-tunes and the walk-forward scoring on the Fargate CPU queue', () => {
    // Prepare: tokens rendered as the logical id they point at.
    const asl = stateMachineDefinition(template, logicalIdOfToken);
    const target = (state: Json) => {
      const parameters = state.Parameters as Json;
      return { queue: parameters.JobQueue, definition: parameters.JobDefinition };
    };
    const processor = (asl.States['Backfill snapshots'] as Json).ItemProcessor as { StartAt: string; States: Record<string, Json> };
    const gpu = { queue: logicalId(stack.batch.gpuQueue), definition: logicalId(stack.batch.gpuJob) };

    // Assess
    expect(asl.States['Full or fine-tune?']).toMatchObject({
      Type: 'Choice',
      Choices: [{ Variable: '$.plan.mode', StringEquals: 'finetune', Next: 'Fine-tune' }],
      Default: 'Train',
    });
    expect(target(asl.States.Train as Json)).toEqual(gpu);
    expect(target(processor.States[processor.StartAt]!)).toEqual(gpu);
    expect(target(asl.States['Fine-tune'] as Json)).toEqual({ queue: logicalId(stack.batch.cpuQueue), definition: logicalId(stack.batch.cpuJob) });
    expect(target(asl.States['Score walk-forward'] as Json)).toEqual({ queue: logicalId(stack.batch.cpuQueue), definition: logicalId(stack.batch.cpuJob) });
  });

  it('publishes every trained version to Hugging Face when publishing is on (main only when promoted, in the function)', () => {
    // Assess
    const publish = stateMachineDefinition(template).States['Publish?'] as Json;
    expect(publish.Choices).toEqual([{ Variable: '$.publish', BooleanEquals: true, Next: 'Publish to Hugging Face' }]);
    expect(publish.Default).toBe('Record result');
  });

  it('logs every event to CloudWatch with X-Ray on, and alarms on failed, timed-out and throttled executions', () => {
    // Assess
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: true }),
    });
    const alarms = resources('AWS::CloudWatch::Alarm');
    expect(alarms.map(([, a]) => a.MetricName).sort()).toEqual(['ExecutionThrottled', 'ExecutionsFailed', 'ExecutionsTimedOut']);
    for (const [, alarm] of alarms) {
      expect(alarm).toMatchObject({ Namespace: 'AWS/States', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    }
  });
});

describe('AWS Batch', () => {
  it('gives the training job one GPU, retries it after a spot reclaim and times it out', () => {
    // Prepare
    const [, gpuJob] = resources('AWS::Batch::JobDefinition').find(([id]) => id === logicalId(stack.batch.gpuJob))!;
    const container = gpuJob.ContainerProperties as Json;

    // Assess
    expect(container.ResourceRequirements).toEqual(expect.arrayContaining([{ Type: 'GPU', Value: '1' }, { Type: 'VCPU', Value: '4' }]));
    expect(gpuJob.PlatformCapabilities).toEqual(['EC2']);
    expect(gpuJob.RetryStrategy).toEqual({
      Attempts: 3,
      EvaluateOnExit: [
        { Action: 'RETRY', OnStatusReason: 'Host EC2*' },
        { Action: 'EXIT', OnStatusReason: '*' },
      ],
    });
    expect((gpuJob.Timeout as Json).AttemptDurationSeconds).toBe(6 * 3600);
    expect(JSON.stringify(container.Image)).toContain('container-assets');
  });

  it('queues GPU jobs on spot g5/g4dn with the ECS GPU AMI first and on-demand behind, and fine-tunes on Fargate', () => {
    // Prepare
    const environments = Object.fromEntries(resources('AWS::Batch::ComputeEnvironment').map(([id, p]) => [id, p.ComputeResources as Json]));
    const spot = environments[logicalId(stack.batch.gpuComputeEnvironments[1]!)]!;
    const onDemand = environments[logicalId(stack.batch.gpuComputeEnvironments[0]!)]!;
    const [, gpuQueue] = resources('AWS::Batch::JobQueue').find(([id]) => id === logicalId(stack.batch.gpuQueue))!;

    // Assess
    expect(spot).toMatchObject({ Type: 'SPOT', AllocationStrategy: 'SPOT_PRICE_CAPACITY_OPTIMIZED', MinvCpus: 0 });
    expect(onDemand).toMatchObject({ Type: 'EC2', MinvCpus: 0 });
    for (const env of [spot, onDemand]) {
      expect(env.InstanceTypes).toEqual(['g5.xlarge', 'g4dn.xlarge']);
      expect(env.Ec2Configuration).toEqual([{ ImageType: 'ECS_AL2023_NVIDIA' }]); // not Amazon Linux 2: end of support 2026-06-30
    }
    expect(gpuQueue.ComputeEnvironmentOrder).toEqual([
      { ComputeEnvironment: { 'Fn::GetAtt': [logicalId(stack.batch.gpuComputeEnvironments[1]!), 'ComputeEnvironmentArn'] }, Order: 1 },
      { ComputeEnvironment: { 'Fn::GetAtt': [logicalId(stack.batch.gpuComputeEnvironments[0]!), 'ComputeEnvironmentArn'] }, Order: 2 },
    ]);
    expect(Object.values(environments).filter((env) => env.Type === 'FARGATE')).toHaveLength(1);
    template.hasResourceProperties('AWS::Batch::JobDefinition', { PlatformCapabilities: ['FARGATE'] });
  });

  it('builds the trainer image from containers/trainer/Dockerfile', () => {
    // Assess
    expect(stack.batch.image.assetHash).toMatch(/^[0-9a-f]{64}$/);
    const assembly = app.synth();
    const manifest = JSON.parse(readFileSync(join(assembly.directory, `${stack.artifactId}.assets.json`), 'utf8')) as {
      dockerImages: Record<string, { source: { directory: string; dockerFile: string; platform?: string } }>;
    };
    const image = manifest.dockerImages[stack.batch.image.assetHash]!;
    expect(image.source).toMatchObject({ dockerFile: 'containers/trainer/Dockerfile', platform: 'linux/amd64' });
    // Only the .dockerignore allowlist is staged: sources, the sample data, no node_modules.
    const staged = readdirSync(join(assembly.directory, image.source.directory)).sort();
    expect(staged).toEqual(['bin', 'containers', 'data', 'package-lock.json', 'package.json', 'src', 'tsconfig.json']);
  });
});

describe('storage', () => {
  it('keeps artifacts in a private, encrypted, versioned bucket that refuses plain HTTP', () => {
    // Prepare
    const bucketId = logicalId(stack.storage.bucket);
    const [, bucket] = resources('AWS::S3::Bucket').find(([id]) => id === bucketId)!;
    const policy = resources('AWS::S3::BucketPolicy').find(([, p]) => JSON.stringify(p.Bucket) === JSON.stringify({ Ref: bucketId }))![1];

    // Assess
    expect(bucket.BucketEncryption).toEqual({ ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] });
    expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect((bucket.LoggingConfiguration as Json).DestinationBucketName).toEqual({ Ref: logicalId(stack.storage.accessLogs) });
    expect((policy.PolicyDocument as { Statement: Json[] }).Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it('keeps versions and current pointers in an on-demand table with point-in-time recovery', () => {
    // Assess
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  it('keeps the Hugging Face token in Secrets Manager, readable by the publish function only', () => {
    // Prepare
    const secretId = logicalId(stack.hfSecret as never);
    const readers = policyStatements(template)
      .filter(({ statement }) => asArray(statement.Action as string[]).includes('secretsmanager:GetSecretValue'))
      .filter(({ statement }) => JSON.stringify(statement.Resource).includes(secretId));
    const publish = resources('AWS::Lambda::Function').find(([id]) => id === logicalId(stack.functions.publish.fn))![1];

    // Assess
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    expect(readers.map((r) => r.owner)).toEqual([logicalId(stack.functions.publish.role.node.findChild('DefaultPolicy') as never)]);
    expect((publish.Environment as { Variables: Json }).Variables).toMatchObject({ MIZAN_HF_REPO: 'acme/mizan-{kind}', MIZAN_HF_SECRET_ARN: { Ref: secretId } });
  });
});

describe('schedules', () => {
  it('retrains the forecasters and fine-tunes the agents weekly by calling the API Lambda with its own route events', () => {
    // Prepare
    const rules = resources('AWS::Events::Rule').filter(([, r]) => r.ScheduleExpression !== undefined); // the schedules, not the run-end rule
    const apiArn = { 'Fn::GetAtt': [logicalId(stack.functions.api.fn), 'Arn'] };
    const targetsOf = (expression: string) =>
      (rules.find(([, r]) => r.ScheduleExpression === expression)![1].Targets as Json[]).map((t) => {
        expect(t.Arn).toEqual(apiArn);
        return JSON.parse(t.Input as string) as { routeKey: string; body: string };
      });

    // Assess
    expect(rules).toHaveLength(2);
    const forecasters = targetsOf('cron(0 4 ? * SUN *)');
    expect(forecasters.map((e) => e.routeKey)).toEqual(['POST /train/lstm', 'POST /train/patchtst']);
    expect(JSON.parse(forecasters[0]!.body)).toEqual({ skip_snapshot: false });
    expect(targetsOf('cron(0 16 ? * SUN *)').map((e) => e.routeKey)).toEqual([
      'POST /train/ppo_lstm/finetune',
      'POST /train/ppo_patchtst/finetune',
      'POST /train/sac_lstm/finetune',
      'POST /train/sac_patchtst/finetune',
    ]);
    template.hasResourceProperties('AWS::Lambda::Permission', { Principal: 'events.amazonaws.com', FunctionName: apiArn });
  });

  it('are left out with -c schedules=off, and no secret exists without -c hfRepo', () => {
    // Prepare: a second app; bundling skipped (the assets are not what this test reads).
    const variant = buildApp({ cloudFormationValidation: false, env: {}, context: { schedules: 'off', 'aws:cdk:bundling-stacks': [] } });

    // Act
    const off = Template.fromStack(variant.stack);

    // Assess
    off.resourceCountIs('AWS::Events::Rule', 1); // only the run-end rule
    off.resourceCountIs('AWS::SecretsManager::Secret', 0);
    off.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
  });

  it('with -c dataSource=yahoo: an Alpha Vantage key secret, readable by the trainer and the API only, and the sentiment key in their environment', () => {
    // Prepare
    const live = buildApp({ cloudFormationValidation: false, env: {}, context: { dataSource: 'yahoo', newsSentimentKey: 'inputs/news/daily_sentiment.parquet', 'aws:cdk:bundling-stacks': [] } });
    // Act
    const t = Template.fromStack(live.stack);
    // Assess
    t.resourceCountIs('AWS::SecretsManager::Secret', 1);
    const secretId = Object.keys(t.findResources('AWS::SecretsManager::Secret'))[0];
    const readers = Object.values(t.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify(p).includes(secretId) && JSON.stringify(p).includes('secretsmanager:GetSecretValue'));
    expect(readers).toHaveLength(2);
    const jobDefinitions = Object.values(t.findResources('AWS::Batch::JobDefinition'));
    for (const job of jobDefinitions) {
      const env = (job.Properties.ContainerProperties.Environment as { Name: string; Value: unknown }[]).map((e) => e.Name);
      expect(env).toEqual(expect.arrayContaining(['MIZAN_ALPHAVANTAGE_SECRET_ARN', 'MIZAN_NEWS_SENTIMENT_KEY']));
    }
  });
});

describe('least privilege', () => {
  it('grants no IAM action "*" and uses Resource "*" only for the actions AWS offers no resource scope for', () => {
    // Prepare
    const statements = policyStatements(template);
    // AWS: these support no resource-level permissions (Service Authorization Reference).
    const unscopable = new Set([
      'xray:PutTraceSegments',
      'xray:PutTelemetryRecords',
      'xray:GetSamplingRules',
      'xray:GetSamplingTargets',
      'ecr:GetAuthorizationToken',
      'batch:DescribeJobs',
      'logs:CreateLogDelivery',
      'logs:DeleteLogDelivery',
      'logs:DescribeLogGroups',
      'logs:DescribeResourcePolicies',
      'logs:GetLogDelivery',
      'logs:ListLogDeliveries',
      'logs:PutResourcePolicy',
      'logs:UpdateLogDelivery',
    ]);

    // Assess
    expect(statements.length).toBeGreaterThan(10);
    for (const { owner, statement } of statements) {
      const actions = asArray(statement.Action as string | string[]);
      for (const action of actions) expect(action === '*' || /^[a-z0-9-]+:\*$/.test(action), `${owner}: ${action}`).toBe(false);
      if (asArray(statement.Resource).includes('*') && statement.Effect === 'Allow') {
        for (const action of actions) expect(unscopable.has(action), `${owner}: ${action} on Resource "*"`).toBe(true);
      }
    }
  });

  it('passes the cdk-nag AwsSolutions checks, every exception acknowledged with a reason', () => {
    // Act
    const report = new AwsSolutionsChecks(app).validateScope(app);

    // Assess
    const unacknowledged = report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.resourceLogicalId).join(', ')}`);
    expect(unacknowledged).toEqual([]);
    expect(report.success).toBe(true);
  });
});
