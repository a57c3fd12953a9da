/**
 * The dashboard's records on AWS: the artifact bucket, the registry table and the TrainModel state
 * machine's executions, the same three things the data dir holds locally (local-dashboard-source.ts).
 * Loaded only for a deployment's dashboard: a data dir's needs no SDK.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoModelRegistry } from '../adapters/aws/dynamo-model-registry.ts';
import { S3ArtifactStore } from '../adapters/aws/s3-artifact-store.ts';
import { StepFunctionsExecutions } from '../adapters/aws/step-functions-executions.ts';
import type { DashboardSource } from '../dashboard/source.ts';
import type { ExecutionRecord, ExecutionSource } from '../ports/execution-source.ts';

export interface AwsDashboardTarget {
  bucket: string;
  /** MIZAN_BUCKET_PREFIX of the deployment, when its artifacts live under a key prefix. */
  bucketPrefix?: string;
  table: string;
  stateMachineArn: string;
}

/** The SDK clients are passed in (the CLI builds them for a region; tests point them at s3rver, dynalite and a mock). */
export interface AwsDashboardClients {
  s3: S3Client;
  dynamodb: DynamoDBClient;
  sfn: SFNClient;
}

/** The artifact bucket, the registry table and the TrainModel state machine's executions. */
export function awsDashboardSource(target: AwsDashboardTarget, clients: AwsDashboardClients): DashboardSource {
  return {
    store: new S3ArtifactStore(clients.s3, target.bucket, target.bucketPrefix),
    registry: new DynamoModelRegistry(clients.dynamodb, target.table),
    executions: listedOnce(new StepFunctionsExecutions(clients.sfn, target.stateMachineArn)),
  };
}

/**
 * One listing for a whole export: the Runs page and every run page then show the same moment, and
 * each execution's history is read once (not once for the list and again for its page).
 */
export function listedOnce(executions: ExecutionSource): ExecutionSource {
  let listed: Promise<ExecutionRecord[]> | undefined;
  return {
    list: () => (listed ??= executions.list()),
    async read(executionId) {
      const found = listed && (await listed).find((record) => record.executionId === executionId);
      return found ?? executions.read(executionId);
    },
  };
}
