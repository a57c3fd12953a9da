/**
 * DynamoModelRegistry on dynalite when a conditional write lands but its reply is lost: answered with a
 * 500 (AWS: "the request may have succeeded"), or retried by the SDK so that the retry's condition fails
 * against the write itself. Each operation must answer as if the reply had come back; a write that was
 * refused (condition failed against another writer, or throttled) must still answer refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoModelRegistry } from '../../src/adapters/aws/dynamo-model-registry.ts';
import { startDynalite, type LocalDynamo } from '../support/dynalite.ts';
import { SdkWriteFaults, type FaultMode } from '../support/sdk-write-faults.ts';

const V1 = 'v2022.12.30-111111111111';
const V2 = 'v2023.01.06-222222222222';
const LOST: FaultMode[] = ['lost-reply', 'lost-reply-retried'];

describe('DynamoModelRegistry: a conditional write whose reply is lost', () => {
  let dynamo: LocalDynamo;
  const faults = new SdkWriteFaults();
  let tables = 0;

  beforeAll(async () => {
    dynamo = await startDynalite();
  });
  afterAll(async () => {
    await dynamo?.stop();
  });

  async function registry(): Promise<DynamoModelRegistry> {
    const table = `lost-reply-${++tables}`;
    await dynamo.createRegistryTable(table);
    const client = dynamo.client();
    faults.attach(client, 'dynamodb');
    return new DynamoModelRegistry(client, table);
  }
  /** Fails the next write of any registry in `mode`. */
  const loseNextReply = (mode: FaultMode) => faults.arm({ service: 'dynamodb', n: 1, mode });

  for (const mode of LOST) {
    it(`${mode}: claim, promote, complete, restore and fail answer as written`, async () => {
      // Prepare
      const reg = await registry();

      // Act
      loseNextReply(mode);
      const claim = await reg.claim('lstm', V1, 'exec-1');
      loseNextReply(mode);
      const promoted = await reg.promote('lstm', undefined, V1);
      loseNextReply(mode);
      await reg.complete('lstm', V1, { version: V1 });
      await reg.claim('lstm', V2, 'exec-2');
      await reg.promote('lstm', V1, V2);
      loseNextReply(mode);
      const restored = await reg.restore('lstm', V2, V1);
      loseNextReply(mode);
      await reg.fail('lstm', V2, { error: 'E', cause: 'c' }, { executionId: 'exec-2' });
      faults.disarm();

      // Assess
      expect(claim.claimed).toBe(true);
      expect(promoted).toBe(true);
      expect(restored).toBe(true);
      expect(await reg.current('lstm')).toBe(V1);
      expect(await reg.get('lstm', V1)).toMatchObject({ status: 'SUCCEEDED', executionId: 'exec-1', response: { version: V1 } });
      expect(await reg.get('lstm', V2)).toMatchObject({ status: 'FAILED', executionId: 'exec-2', error: { error: 'E', cause: 'c' } });
    });
  }

  it('still answers refused when the condition failed against another writer', async () => {
    // Prepare
    const reg = await registry();
    await reg.claim('lstm', V1, 'exec-1');
    await reg.promote('lstm', undefined, V1);

    // Act
    const second = await reg.claim('lstm', V1, 'exec-2');
    const promoted = await reg.promote('lstm', undefined, V2);
    const restored = await reg.restore('lstm', V2, undefined);

    // Assess
    expect(second).toMatchObject({ claimed: false, existing: { executionId: 'exec-1', status: 'RUNNING' } });
    expect(promoted).toBe(false);
    expect(restored).toBe(false);
    await expect(reg.fail('lstm', V1, { error: 'E', cause: 'c' }, { executionId: 'exec-2' })).rejects.toThrow(/claimed by exec-1/);
  });

  it('throws a refused write (throttled) without taking it for written', async () => {
    // Prepare
    const reg = await registry();

    // Act
    faults.arm({ service: 'dynamodb', n: 1, mode: 'refused' });
    const claim = reg.claim('lstm', V1, 'exec-1');

    // Assess
    await expect(claim).rejects.toThrow(/provisioned throughput/);
    faults.disarm();
    expect(await reg.get('lstm', V1)).toBeUndefined();
  });
});
