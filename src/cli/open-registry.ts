/**
 * The store and registry of a target (registry-target.ts): the data dir's files, or S3 and DynamoDB.
 * Opening writes nothing: a command that refuses its input leaves a data dir (even a missing one) as it was.
 */
import { DirArtifactStore } from '../adapters/local/dir-artifact-store.ts';
import { LocalModelRegistry } from '../adapters/local/local-model-registry.ts';
import type { ArtifactStore } from '../ports/artifact-store.ts';
import type { ModelRegistry } from '../ports/model-registry.ts';
import type { RegistryTarget } from './registry-target.ts';

export interface OpenedRegistry {
  store: ArtifactStore;
  registry: ModelRegistry;
  close(): void;
}

export async function openRegistry(target: RegistryTarget): Promise<OpenedRegistry> {
  if (target.from === 'data-dir') {
    return { store: new DirArtifactStore(target.dataDir), registry: new LocalModelRegistry(target.dataDir), close: () => undefined };
  }
  // Loaded only here: a data dir needs no SDK.
  const [{ S3Client }, { DynamoDBClient }, { S3ArtifactStore }, { DynamoModelRegistry }] = await Promise.all([
    import('@aws-sdk/client-s3'),
    import('@aws-sdk/client-dynamodb'),
    import('../adapters/aws/s3-artifact-store.ts'),
    import('../adapters/aws/dynamo-model-registry.ts'),
  ]);
  const config = target.region === undefined ? {} : { region: target.region };
  const s3 = new S3Client(config);
  const dynamodb = new DynamoDBClient(config);
  return {
    store: new S3ArtifactStore(s3, target.bucket, target.bucketPrefix),
    registry: new DynamoModelRegistry(dynamodb, target.table),
    close: () => {
      s3.destroy();
      dynamodb.destroy();
    },
  };
}
