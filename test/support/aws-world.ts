/**
 * One isolated AWS "world" per fault case on shared local servers: its own key prefix in the bucket
 * and its own registry table, the AWS deps built from the environment the stack sets (awsDeps), and
 * TrainModel run in-process on them. A world can be seeded with a copy of another's objects and items.
 */
import { PutItemCommand, ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { awsDeps, type AwsDeps } from '../../src/runtime/aws-deps.ts';
import type { LocalDynamo } from './dynalite.ts';
import { InProcessTrainModel } from './in-process-train-model.ts';

export const BUCKET = 'mizan-artifacts';

export interface AwsWorld {
  name: string;
  table: string;
  deps: AwsDeps;
  workflow: InProcessTrainModel;
}

export interface WorldServers {
  dynamo: LocalDynamo;
  s3Client: S3Client;
  dynamoClient: DynamoDBClient;
}

export async function openWorld(name: string, servers: WorldServers): Promise<AwsWorld> {
  const table = `registry-${name}`;
  await servers.dynamo.createRegistryTable(table);
  const deps = await awsDeps({ MIZAN_BUCKET: BUCKET, MIZAN_BUCKET_PREFIX: name, MIZAN_TABLE: table }, { s3: servers.s3Client, dynamodb: servers.dynamoClient });
  return { name, table, deps, workflow: new InProcessTrainModel(deps) };
}

/** Copies `from`'s objects whose key passes `keep` into `to`. */
export async function seedObjects(to: AwsWorld, from: AwsWorld, keep: (key: string) => boolean = () => true): Promise<void> {
  for (const key of await from.deps.store.list('')) {
    if (!keep(key)) continue;
    const body = await from.deps.store.get(key);
    if (body) await to.deps.store.put(key, body);
  }
}

/** Copies `from`'s registry items (records and the `current` pointer) into `to`. */
export async function seedItems(to: AwsWorld, from: AwsWorld, client: DynamoDBClient): Promise<void> {
  let ExclusiveStartKey: Record<string, never> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: from.table, ConsistentRead: true, ExclusiveStartKey }));
    for (const Item of page.Items ?? []) await client.send(new PutItemCommand({ TableName: to.table, Item }));
    ExclusiveStartKey = page.LastEvaluatedKey as typeof ExclusiveStartKey;
  } while (ExclusiveStartKey !== undefined);
}
