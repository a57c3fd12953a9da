import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { DirArtifactStore } from '../../src/adapters/local/dir-artifact-store.ts';
import { S3ArtifactStore } from '../../src/adapters/aws/s3-artifact-store.ts';
import { describeArtifactStoreContract } from '../support/artifact-store-contract.ts';
import { startS3rver, type LocalS3 } from '../support/s3rver.ts';

const tempDirs: string[] = [];
let s3: LocalS3;
let buckets = 0;

beforeAll(async () => {
  s3 = await startS3rver();
});
afterAll(async () => {
  await s3?.stop();
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describeArtifactStoreContract('DirArtifactStore (temp dir)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mizan-store-'));
  tempDirs.push(dir);
  return new DirArtifactStore(dir);
});

describeArtifactStoreContract('S3ArtifactStore (s3rver, bucket root)', async () => {
  const bucket = `mizan-test-${++buckets}`;
  await s3.createBucket(bucket);
  return new S3ArtifactStore(s3.client(), bucket);
}, { serverTearsRacingPuts: true });

describeArtifactStoreContract('S3ArtifactStore (s3rver, under a prefix)', async () => {
  const bucket = `mizan-test-${++buckets}`;
  await s3.createBucket(bucket);
  return new S3ArtifactStore(s3.client(), bucket, 'tenant/a');
}, { serverTearsRacingPuts: true });
