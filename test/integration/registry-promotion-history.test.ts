/**
 * The recorded moves of `current` (ModelRegistry.move / history) and replaceResponse, on the local
 * data dir and on DynamoDB (dynalite): the same contract, then each adapter's crash repair: a move
 * whose history entry was never appended is still shown, and appended with its details by the next.
 */
import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { mkdtemp, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoModelRegistry } from '../../src/adapters/aws/dynamo-model-registry.ts';
import { LocalModelRegistry } from '../../src/adapters/local/local-model-registry.ts';
import type { ModelRegistry, PromotionRecord } from '../../src/ports/model-registry.ts';
import { startDynalite, type LocalDynamo } from '../support/dynalite.ts';

const V1 = 'v2026.01.05-aaaaaaaaaaaa';
const V2 = 'v2026.01.12-bbbbbbbbbbbb';
const V3 = 'v2026.01.19-cccccccccccc';
const auto = (reason: string): PromotionRecord => ({ trigger: 'automatic', action: 'promote', by: 'run x', reason });
const manual = (reason: string, action: PromotionRecord['action'] = 'promote'): PromotionRecord => ({ trigger: 'manual', action, by: 'alice@host (cli)', reason });
const fromTo = (registry: ModelRegistry) => registry.history('lstm').then((entries) => entries.map((e) => [e.seq, e.from, e.to, e.action]));

let dynamo: LocalDynamo;
let tables = 0;
const tempDirs: string[] = [];
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo?.stop();
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function localRegistry() {
  const dir = await mkdtemp(join(tmpdir(), 'mizan-history-'));
  tempDirs.push(dir);
  return { dir, registry: new LocalModelRegistry(dir) };
}
async function dynamoRegistry() {
  const table = `mizan-history-${++tables}`;
  await dynamo.createRegistryTable(table);
  return { table, registry: new DynamoModelRegistry(dynamo.client(), table) };
}

const adapters: [string, () => Promise<ModelRegistry>][] = [
  ['LocalModelRegistry', async () => (await localRegistry()).registry],
  ['DynamoModelRegistry (dynalite)', async () => (await dynamoRegistry()).registry],
];

describe.each(adapters)('promotion history: %s', (_name, make) => {
  it('records every move in order: who, what, when, why, from which version', async () => {
    const registry = await make();
    expect(await registry.history('lstm')).toEqual([]);

    expect(await registry.move('lstm', { expected: undefined, next: V1, record: auto('first lstm model') })).toBe(true);
    expect(await registry.move('lstm', { expected: V1, next: V2, record: auto('better test_loss') })).toBe(true);
    expect(await registry.move('lstm', { expected: V2, next: V1, record: manual('V2 trades badly', 'rollback') })).toBe(true);

    expect(await registry.current('lstm')).toBe(V1);
    const history = await registry.history('lstm');
    expect(history.map(({ at: _at, ...entry }) => entry)).toEqual([
      { seq: 1, from: null, to: V1, trigger: 'automatic', action: 'promote', by: 'run x', reason: 'first lstm model' },
      { seq: 2, from: V1, to: V2, trigger: 'automatic', action: 'promote', by: 'run x', reason: 'better test_loss' },
      { seq: 3, from: V2, to: V1, trigger: 'manual', action: 'rollback', by: 'alice@host (cli)', reason: 'V2 trades badly' },
    ]);
    const times = history.map((e) => Date.parse(e.at));
    expect(times.every((t, i) => Number.isFinite(t) && (i === 0 || t >= times[i - 1]))).toBe(true);
    expect(await registry.history('patchtst')).toEqual([]);
  });

  it('records nothing for a refused move (compare-and-swap) and leaves current alone', async () => {
    const registry = await make();
    await registry.move('lstm', { expected: undefined, next: V1, record: auto('first') });

    expect(await registry.move('lstm', { expected: V2, next: V3, record: manual('stale') })).toBe(false);
    expect(await registry.move('lstm', { expected: undefined, next: V3, record: manual('stale') })).toBe(false);

    expect(await registry.current('lstm')).toBe(V1);
    expect(await fromTo(registry)).toEqual([[1, null, V1, 'promote']]);
  });

  it('records a cleared pointer, and a first promotion after it', async () => {
    const registry = await make();
    await registry.move('lstm', { expected: undefined, next: V1, record: auto('first') });

    expect(await registry.move('lstm', { expected: V1, next: undefined, record: { ...auto('the run failed after promoting'), action: 'undo' } })).toBe(true);
    expect(await registry.current('lstm')).toBeUndefined();
    expect(await registry.move('lstm', { expected: undefined, next: V2, record: auto('first') })).toBe(true);

    expect(await registry.current('lstm')).toBe(V2);
    expect(await fromTo(registry)).toEqual([[1, null, V1, 'promote'], [2, V1, null, 'undo'], [3, null, V2, 'promote']]);
  });

  it('shows a move made without a record as unrecorded, and goes on after it', async () => {
    const registry = await make();
    await registry.move('lstm', { expected: undefined, next: V1, record: auto('first') });
    await registry.promote('lstm', V1, V2); // not through move: e.g. a pointer set before histories were kept

    expect(await fromTo(registry)).toEqual([[1, null, V1, 'promote'], [2, V1, V2, 'unrecorded']]);
    expect(await registry.move('lstm', { expected: V2, next: V3, record: manual('by hand') })).toBe(true);

    expect(await fromTo(registry)).toEqual([[1, null, V1, 'promote'], [2, V1, V2, 'unrecorded'], [3, V2, V3, 'promote']]);
    const [, unrecorded] = await registry.history('lstm');
    expect(unrecorded).toMatchObject({ trigger: 'unknown', by: 'unknown', reason: expect.stringMatching(/without a record/) });
  });

  it('lets exactly one of 10 racing moves from the same version win, and records only that one', async () => {
    const registry = await make();
    await registry.move('lstm', { expected: undefined, next: V1, record: auto('first') });
    const racers = Array.from({ length: 10 }, (_, i) => `v2026.02.02-${i.toString(16).padStart(12, '0')}`);

    const moved = await Promise.all(racers.map((next) => registry.move('lstm', { expected: V1, next, record: manual(`to ${next}`) })));

    expect(moved.filter(Boolean)).toHaveLength(1);
    const winner = racers[moved.indexOf(true)];
    expect(await registry.current('lstm')).toBe(winner);
    expect(await fromTo(registry)).toEqual([[1, null, V1, 'promote'], [2, V1, winner, 'promote']]);
  });

  it('keeps the seqs in order when moves chain from many writers', async () => {
    const registry = await make();
    const versions = [V1, V2, V3];
    // Each writer moves current one step further, retrying from what it reads until its step lands.
    await Promise.all(
      Array.from({ length: 6 }, async (_, writer) => {
        for (;;) {
          const current = await registry.current('lstm');
          const next = versions[(versions.indexOf(current ?? V3) + 1) % 3];
          if (await registry.move('lstm', { expected: current, next, record: manual(`writer ${writer}`) })) return;
        }
      }),
    );

    const history = await registry.history('lstm');
    expect(history.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    for (let i = 1; i < history.length; i++) expect(history[i].from).toBe(history[i - 1].to);
    expect(history.at(-1)?.to).toBe(await registry.current('lstm'));
  });

  it('replaces a SUCCEEDED response only for the same execution', async () => {
    const registry = await make();
    await registry.claim('lstm', V1, 'exec-1');
    expect(await registry.replaceResponse('lstm', V1, 'exec-1', { version: V1 })).toBe(false); // RUNNING
    await registry.complete('lstm', V1, { version: V1, hf_repo: null, publish_error: 'Hub 503' });

    expect(await registry.replaceResponse('lstm', V1, 'exec-0', { version: V1 })).toBe(false);
    expect(await registry.replaceResponse('lstm', V2, 'exec-1', { version: V2 })).toBe(false); // absent
    expect(await registry.replaceResponse('lstm', V1, 'exec-1', { version: V1, hf_repo: 'acme/x' })).toBe(true);

    expect(await registry.get('lstm', V1)).toMatchObject({ status: 'SUCCEEDED', executionId: 'exec-1', response: { version: V1, hf_repo: 'acme/x' } });
    expect((await registry.get('lstm', V1))?.response).not.toHaveProperty('publish_error');
  });
});

describe('crash between moving the pointer and appending its entry', () => {
  it('locally: the pending entry is shown, then appended with its details by the next move', async () => {
    const { dir, registry } = await localRegistry();
    await registry.move('lstm', { expected: undefined, next: V1, record: auto('first') });
    await registry.move('lstm', { expected: V1, next: V2, record: manual('by hand') });
    const logDir = join(dir, 'registry', 'lstm', 'promotions');
    await unlink(join(logDir, '00000002.json')); // the process died before appending it

    expect(await fromTo(registry)).toEqual([[1, null, V1, 'promote'], [2, V1, V2, 'promote']]);
    await registry.move('lstm', { expected: V2, next: V3, record: manual('again') });

    const history = await registry.history('lstm');
    expect(history.map((e) => [e.seq, e.to, e.reason])).toEqual([[1, V1, 'first'], [2, V2, 'by hand'], [3, V3, 'again']]);
    expect((await readdir(logDir)).sort()).toEqual(['00000001.json', '00000002.json', '00000003.json', 'pending.json']);
  });

  it('locally: a pending entry whose pointer never moved is ignored', async () => {
    const { dir, registry } = await localRegistry();
    await registry.move('lstm', { expected: undefined, next: V1, record: auto('first') });
    const pending = { seq: 2, at: new Date().toISOString(), from: V1, to: V3, trigger: 'manual', action: 'promote', by: 'b', reason: 'died before the pointer moved' };
    await writeFile(join(dir, 'registry', 'lstm', 'promotions', 'pending.json'), JSON.stringify(pending));

    expect(await fromTo(registry)).toEqual([[1, null, V1, 'promote']]);
    expect(await registry.move('lstm', { expected: V1, next: V2, record: manual('next') })).toBe(true);
    expect((await registry.history('lstm')).map((e) => [e.seq, e.to, e.reason])).toEqual([[1, V1, 'first'], [2, V2, 'next']]);
  });

  it('on DynamoDB: the move kept on CURRENT is shown, then appended with its details by the next move', async () => {
    const { table, registry } = await dynamoRegistry();
    await registry.move('lstm', { expected: undefined, next: V1, record: auto('first') });
    await registry.move('lstm', { expected: V1, next: V2, record: manual('by hand') });
    await dynamo.client().send(new DeleteItemCommand({ TableName: table, Key: { pk: { S: 'lstm' }, sk: { S: 'PROMOTION#00000002' } } }));

    expect(await fromTo(registry)).toEqual([[1, null, V1, 'promote'], [2, V1, V2, 'promote']]);
    await registry.move('lstm', { expected: V2, next: V3, record: manual('again') });

    const fresh = new DynamoModelRegistry(dynamo.client(), table);
    expect((await fresh.history('lstm')).map((e) => [e.seq, e.to, e.reason])).toEqual([[1, V1, 'first'], [2, V2, 'by hand'], [3, V3, 'again']]);
  });
});
