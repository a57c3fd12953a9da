/**
 * Renders the TrainModel definition to plain ASL JSON without a deploy or a synth (~200 ms):
 * the same chain the CDK stack deploys, with Lambda ARNs as placeholders and CloudFormation
 * pseudo parameters filled in. scripts/render-state-machine.ts commits it as train-model.asl.json,
 * which the local runner runs (so a production install needs no CDK).
 */
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Json } from '../../src/ports/train-model.ts';
import { buildTrainModelDefinition, DEFAULT_SNAPSHOT_CONCURRENCY, type TrainModelRefs } from './train-model-definition.ts';

export type { Json };

export const PLACEHOLDER_ACCOUNT = '123456789012';
export const PLACEHOLDER_REGION = 'us-east-1';

export const PLACEHOLDER_ARNS = {
  trainQueue: `arn:aws:batch:${PLACEHOLDER_REGION}:${PLACEHOLDER_ACCOUNT}:job-queue/mizan-gpu`,
  trainJobDefinition: `arn:aws:batch:${PLACEHOLDER_REGION}:${PLACEHOLDER_ACCOUNT}:job-definition/mizan-trainer`,
  fineTuneQueue: `arn:aws:batch:${PLACEHOLDER_REGION}:${PLACEHOLDER_ACCOUNT}:job-queue/mizan-cpu`,
  fineTuneJobDefinition: `arn:aws:batch:${PLACEHOLDER_REGION}:${PLACEHOLDER_ACCOUNT}:job-definition/mizan-trainer-cpu`,
  snapshotQueue: `arn:aws:batch:${PLACEHOLDER_REGION}:${PLACEHOLDER_ACCOUNT}:job-queue/mizan-snapshot`,
  snapshotJobDefinition: `arn:aws:batch:${PLACEHOLDER_REGION}:${PLACEHOLDER_ACCOUNT}:job-definition/mizan-trainer-snapshot`,
  decidePromotion: lambdaArn('mizan-decide-promotion'),
  publish: lambdaArn('mizan-publish'),
  recordResult: lambdaArn('mizan-record-result'),
  recordFailure: lambdaArn('mizan-record-failure'),
} as const;

function lambdaArn(name: string): string {
  return `arn:aws:lambda:${PLACEHOLDER_REGION}:${PLACEHOLDER_ACCOUNT}:function:${name}`;
}

export interface RenderOptions {
  snapshotConcurrency?: number;
}

/** The ASL JSON of TrainModel, as `new sfn.StateMachine(..., { queryLanguage: JSON_PATH })` would deploy it. */
export function renderTrainModelAsl(options: RenderOptions = {}): { [key: string]: Json } {
  const stack = new Stack(new App(), 'TrainModelRender', { env: { account: PLACEHOLDER_ACCOUNT, region: PLACEHOLDER_REGION } });
  const fn = (id: string, arn: string) => lambda.Function.fromFunctionArn(stack, id, arn);
  const refs: TrainModelRefs = {
    trainJob: { jobQueueArn: PLACEHOLDER_ARNS.trainQueue, jobDefinitionArn: PLACEHOLDER_ARNS.trainJobDefinition },
    fineTuneJob: { jobQueueArn: PLACEHOLDER_ARNS.fineTuneQueue, jobDefinitionArn: PLACEHOLDER_ARNS.fineTuneJobDefinition },
    snapshotJob: { jobQueueArn: PLACEHOLDER_ARNS.snapshotQueue, jobDefinitionArn: PLACEHOLDER_ARNS.snapshotJobDefinition },
    functions: {
      decidePromotion: fn('DecidePromotionFn', PLACEHOLDER_ARNS.decidePromotion),
      publish: fn('PublishFn', PLACEHOLDER_ARNS.publish),
      recordResult: fn('RecordResultFn', PLACEHOLDER_ARNS.recordResult),
      recordFailure: fn('RecordFailureFn', PLACEHOLDER_ARNS.recordFailure),
    },
    snapshotConcurrency: options.snapshotConcurrency ?? DEFAULT_SNAPSHOT_CONCURRENCY,
  };
  const chain = buildTrainModelDefinition(stack, refs);
  const graph = new sfn.StateGraph(chain.startState, 'TrainModel');
  // StateMachine adds the query language at the top: so does this rendering.
  const resolved = stack.resolve({ ...graph.toGraphJson(sfn.QueryLanguage.JSON_PATH), QueryLanguage: sfn.QueryLanguage.JSON_PATH }) as Json;
  return resolveIntrinsics(resolved, (ref) => {
    throw new Error(`unexpected CloudFormation reference in the local definition: ${ref}`);
  }) as { [key: string]: Json };
}

const PSEUDO: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': PLACEHOLDER_REGION,
  'AWS::AccountId': PLACEHOLDER_ACCOUNT,
  'AWS::URLSuffix': 'amazonaws.com',
};

/**
 * Replaces CloudFormation intrinsics by plain values: pseudo parameters by placeholders,
 * `Fn::Join` by the joined string, any other `Ref`/`Fn::GetAtt` by `placeholderFor(logicalId)`.
 */
export function resolveIntrinsics(value: Json, placeholderFor: (logicalId: string) => string): Json {
  if (Array.isArray(value)) return value.map((item) => resolveIntrinsics(item, placeholderFor));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === 'Ref') {
    const ref = value.Ref as string;
    return PSEUDO[ref] ?? placeholderFor(ref);
  }
  if (keys.length === 1 && keys[0] === 'Fn::GetAtt') {
    const [logicalId] = value['Fn::GetAtt'] as string[];
    return placeholderFor(logicalId);
  }
  if (keys.length === 1 && keys[0] === 'Fn::Join') {
    const [separator, parts] = value['Fn::Join'] as [string, Json[]];
    return parts.map((part) => String(resolveIntrinsics(part, placeholderFor))).join(separator);
  }
  return Object.fromEntries(keys.map((key) => [key, resolveIntrinsics(value[key], placeholderFor)]));
}
