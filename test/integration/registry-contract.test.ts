import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { DynamoModelRegistry } from '../../src/adapters/aws/dynamo-model-registry.ts';
import { LocalModelRegistry } from '../../src/adapters/local/local-model-registry.ts';
import { startDynalite, type LocalDynamo } from '../support/dynalite.ts';
import { describeModelRegistryContract } from '../support/model-registry-contract.ts';

const tempDirs: string[] = [];
let dynamo: LocalDynamo;
let tables = 0;

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo?.stop();
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describeModelRegistryContract('LocalModelRegistry (temp dir)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mizan-registry-'));
  tempDirs.push(dir);
  return new LocalModelRegistry(dir);
});

describeModelRegistryContract('DynamoModelRegistry (dynalite)', async () => {
  const table = `mizan-registry-${++tables}`;
  await dynamo.createRegistryTable(table);
  return new DynamoModelRegistry(dynamo.client(), table);
});
