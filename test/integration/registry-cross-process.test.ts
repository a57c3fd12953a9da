import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalModelRegistry } from '../../src/adapters/local/local-model-registry.ts';
import type { RaceCommand } from '../support/registry-race-worker.ts';
import { racer } from '../support/model-registry-contract.ts';

const WORKERS = 4;
const workerScript = fileURLToPath(new URL('../support/registry-race-worker.ts', import.meta.url));

interface Worker {
  child: ChildProcessWithoutNullStreams;
  next(): Promise<string>;
}

let dataDir: string;
let workers: Worker[];

function startWorker(dir: string): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', workerScript, dir], { stdio: 'pipe' });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    child,
    async next() {
      const { value, done } = await lines.next();
      if (done) throw new Error('worker exited early');
      return value as string;
    },
  };
}

/** Sends one command to every worker at the same moment and collects their answers. */
async function race(commandFor: (worker: number) => RaceCommand): Promise<unknown[]> {
  workers.forEach((worker, i) => worker.child.stdin.write(JSON.stringify(commandFor(i)) + '\n'));
  const answers = await Promise.all(workers.map(async (worker) => JSON.parse(await worker.next()) as { ok?: unknown; error?: string }));
  for (const answer of answers) expect(answer.error).toBeUndefined();
  return answers.map((answer) => answer.ok);
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'mizan-xproc-'));
  workers = Array.from({ length: WORKERS }, () => startWorker(dataDir));
  for (const worker of workers) expect(await worker.next()).toBe('ready');
});

afterAll(async () => {
  await Promise.all(
    (workers ?? []).map(async (worker) => {
      const exited = once(worker.child, 'exit');
      worker.child.stdin.end();
      await exited;
    }),
  );
  await rm(dataDir, { recursive: true, force: true });
});

describe('LocalModelRegistry across processes', () => {
  const registry = () => new LocalModelRegistry(dataDir);

  it(`lets exactly one of ${WORKERS}×5 claims from ${WORKERS} processes win`, async () => {
    // Act
    const answers = (await race((w) => ({ op: 'claim', kind: 'lstm', version: racer(1), executionIds: [0, 1, 2, 3, 4].map((j) => `p${w}-${j}`) }))) as Array<Array<string | null>>;
    // Assess
    const winners = answers.flat().filter((id) => id !== null);
    expect(winners).toHaveLength(1);
    expect(await registry().get('lstm', racer(1))).toMatchObject({ status: 'RUNNING', executionId: winners[0] });
  });

  it('lets exactly one process take over a FAILED version', async () => {
    // Prepare
    await registry().claim('patchtst', racer(2), 'first');
    await registry().fail('patchtst', racer(2), { error: 'Crash', cause: 'killed' });
    // Act
    const answers = (await race((w) => ({ op: 'claim', kind: 'patchtst', version: racer(2), executionIds: [0, 1, 2, 3, 4].map((j) => `retry-p${w}-${j}`) }))) as Array<Array<string | null>>;
    // Assess
    const winners = answers.flat().filter((id) => id !== null);
    expect(winners).toHaveLength(1);
    expect(await registry().get('patchtst', racer(2))).toMatchObject({ status: 'RUNNING', executionId: winners[0] });
  });

  it('lets exactly one of the racing promotions from the same prior win', async () => {
    // Prepare
    await registry().promote('ppo_lstm', undefined, racer(10));
    // Act
    const answers = (await race((w) => ({ op: 'promote', kind: 'ppo_lstm', expected: racer(10), next: racer(100 + w) }))) as boolean[];
    // Assess
    expect(answers.filter(Boolean)).toHaveLength(1);
    expect(await registry().current('ppo_lstm')).toBe(racer(100 + answers.indexOf(true)));
  });

  it('keeps an unbroken chain of promotions when every process read-then-promotes in a loop', async () => {
    // Act
    const answers = (await race((w) => ({ op: 'promote-loop', kind: 'sac_patchtst', nextVersions: Array.from({ length: 15 }, (_, j) => racer(1000 + w * 100 + j)) }))) as Array<Array<[string | null, string]>>;
    // Assess: every move starts where exactly one earlier move ended, and the last is the pointer.
    const moves = answers.flat();
    const from = new Map(moves.map(([expected, next]) => [expected, next]));
    expect(from.size).toBe(moves.length);
    let at: string | null | undefined = null;
    for (let i = 0; i < moves.length; i++) at = from.get(at as string | null);
    expect(await registry().current('sac_patchtst')).toBe(at);
    // And no lock or temp file is left behind.
    expect((await readdir(join(dataDir, 'models', 'sac_patchtst'))).sort()).toEqual(['current']);
    expect(await readdir(join(dataDir, 'registry', 'sac_patchtst', '.locks'))).toEqual([]);
  });
});
