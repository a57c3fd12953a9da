/**
 * The registry's claim and promote as separate processes race on them: 8 worker processes, each
 * sent the same command at the same moment, on one local data dir and on one DynamoDB table
 * (dynalite). The claim is what keeps a version from training twice; nothing above it (the local
 * workflow's own de-duplication, the API) takes part here, so a claim that lets two callers win fails.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoModelRegistry } from '../../src/adapters/aws/dynamo-model-registry.ts';
import { LocalModelRegistry } from '../../src/adapters/local/local-model-registry.ts';
import type { ModelRegistry } from '../../src/ports/model-registry.ts';
import { startDynalite, type LocalDynamo } from '../support/dynalite.ts';
import { racer } from '../support/model-registry-contract.ts';
import type { ClaimAnswer, RaceCommand } from '../support/registry-race-worker.ts';

const WORKERS = 8;
const ROUNDS = 10;
const workerScript = fileURLToPath(new URL('../support/registry-race-worker.ts', import.meta.url));

interface Worker {
  child: ChildProcessWithoutNullStreams;
  next(): Promise<string>;
}

function startWorker(args: string[]): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', workerScript, ...args], { stdio: 'pipe' });
  child.stderr.resume();
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

/** The registry under test: the worker processes' arguments, and the parent's own view of it. */
interface Subject {
  workerArgs: string[];
  registry: ModelRegistry;
  /** Local adapter only: the registry's folder, to check that no lock or temp file is left. */
  dataDir?: string;
  close(): Promise<void>;
}

function describeAcrossProcesses(name: string, open: () => Promise<Subject>): void {
  describe(`${name} across ${WORKERS} processes`, () => {
    let subject: Subject;
    let workers: Worker[];

    /** Sends one command to every worker at the same moment and collects their answers. */
    async function race<T>(commandFor: (worker: number) => RaceCommand): Promise<T[]> {
      workers.forEach((worker, i) => worker.child.stdin.write(JSON.stringify(commandFor(i)) + '\n'));
      const answers = await Promise.all(workers.map(async (worker) => JSON.parse(await worker.next()) as { ok?: T; error?: string }));
      for (const answer of answers) expect(answer.error).toBeUndefined();
      return answers.map((answer) => answer.ok as T);
    }

    /** Exactly one winner, every loser told the winner's execution, the stored record the winner's. */
    async function expectOneWinner(claims: ClaimAnswer[], kind: 'lstm' | 'patchtst', version: string): Promise<void> {
      const winners = claims.filter((claim) => claim.claimed);
      expect(winners, `${version}: ${JSON.stringify(claims)}`).toHaveLength(1);
      for (const claim of claims) expect(claim.executionId).toBe(winners[0].executionId);
      expect(await subject.registry.get(kind, version)).toMatchObject({ status: 'RUNNING', executionId: winners[0].executionId });
    }

    beforeAll(async () => {
      subject = await open();
      workers = Array.from({ length: WORKERS }, () => startWorker(subject.workerArgs));
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
      await subject?.close();
    });

    it(`lets exactly one of ${WORKERS} processes claim a new version, in each of ${ROUNDS} rounds`, async () => {
      for (let round = 0; round < ROUNDS; round++) {
        // Act: one claim per process, all at once, on a version nobody has claimed.
        const version = racer(round + 1);
        const claims = (await race<ClaimAnswer[]>((w) => ({ op: 'claim', kind: 'lstm', version, executionIds: [`round${round}-p${w}`] }))).flat();
        // Assess
        await expectOneWinner(claims, 'lstm', version);
      }
      expect(await subject.registry.list('lstm')).toHaveLength(ROUNDS);
    });

    it(`lets exactly one of ${WORKERS}×5 claims (five at once inside each process) win`, async () => {
      const version = racer(50);
      const claims = (await race<ClaimAnswer[]>((w) => ({ op: 'claim', kind: 'lstm', version, executionIds: [0, 1, 2, 3, 4].map((j) => `p${w}-${j}`) }))).flat();
      await expectOneWinner(claims, 'lstm', version);
    });

    it('lets exactly one process take over a FAILED version', async () => {
      // Prepare
      const version = racer(60);
      await subject.registry.claim('patchtst', version, 'first');
      await subject.registry.fail('patchtst', version, { error: 'Crash', cause: 'killed' });
      // Act
      const claims = (await race<ClaimAnswer[]>((w) => ({ op: 'claim', kind: 'patchtst', version, executionIds: [`retry-p${w}`] }))).flat();
      // Assess
      await expectOneWinner(claims, 'patchtst', version);
    });

    it('lets exactly one process reopen a SUCCEEDED version (a snapshot backfill)', async () => {
      // Prepare
      const version = racer(70);
      await subject.registry.claim('patchtst', version, 'first');
      await subject.registry.complete('patchtst', version, { ok: 1 });
      // Act
      const claims = (await race<ClaimAnswer[]>((w) => ({ op: 'claim', kind: 'patchtst', version, executionIds: [`reopen-p${w}`], reopenSucceeded: true }))).flat();
      // Assess
      await expectOneWinner(claims, 'patchtst', version);
      expect((await subject.registry.get('patchtst', version))?.response).toBeUndefined();
    });

    it('lets exactly one of the racing promotions from the same prior win', async () => {
      // Prepare
      await subject.registry.promote('ppo_lstm', undefined, racer(10));
      // Act
      const answers = await race<boolean>((w) => ({ op: 'promote', kind: 'ppo_lstm', expected: racer(10), next: racer(100 + w) }));
      // Assess
      expect(answers.filter(Boolean)).toHaveLength(1);
      expect(await subject.registry.current('ppo_lstm')).toBe(racer(100 + answers.indexOf(true)));
    });

    it('keeps an unbroken chain of promotions when every process read-then-promotes in a loop', async () => {
      // Act
      const answers = await race<Array<[string | null, string]>>((w) => ({ op: 'promote-loop', kind: 'sac_patchtst', nextVersions: Array.from({ length: 15 }, (_, j) => racer(1000 + w * 100 + j)) }));
      // Assess: every move starts where exactly one earlier move ended, and the last is the pointer.
      const moves = answers.flat();
      const from = new Map(moves.map(([expected, next]) => [expected, next]));
      expect(from.size).toBe(moves.length);
      let at: string | null | undefined = null;
      for (let i = 0; i < moves.length; i++) at = from.get(at as string | null);
      expect(await subject.registry.current('sac_patchtst')).toBe(at);
    });

    it.runIf(name.startsWith('Local'))('leaves one record file per version and no lock or temp file behind', async () => {
      const dir = subject.dataDir as string;
      expect((await readdir(join(dir, 'registry', 'lstm'))).filter((f) => !f.startsWith('.')).sort()).toEqual([...Array.from({ length: ROUNDS }, (_, i) => racer(i + 1)), racer(50)].map((v) => `${v}.json`).sort());
      expect(await readdir(join(dir, 'registry', 'lstm', '.locks')).catch(() => [])).toEqual([]);
      expect(await readdir(join(dir, 'registry', 'patchtst', '.locks'))).toEqual([]);
      expect((await readdir(join(dir, 'models', 'sac_patchtst'))).sort()).toEqual(['current']);
      expect(await readdir(join(dir, 'registry', 'sac_patchtst', '.locks'))).toEqual([]);
    });
  });
}

describeAcrossProcesses('LocalModelRegistry (one data dir)', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'mizan-xproc-'));
  return { workerArgs: ['local', dataDir], registry: new LocalModelRegistry(dataDir), dataDir, close: () => rm(dataDir, { recursive: true, force: true }) };
});

describeAcrossProcesses('DynamoModelRegistry (one dynalite table)', async () => {
  const dynamo: LocalDynamo = await startDynalite();
  await dynamo.createRegistryTable('mizan-registry');
  return { workerArgs: ['dynamo', dynamo.endpoint, 'mizan-registry'], registry: new DynamoModelRegistry(dynamo.client(), 'mizan-registry'), close: () => dynamo.stop() };
});
