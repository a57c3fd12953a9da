/**
 * The seam, proved: a forecaster kind defined only in this folder (`linear`, linear-spec.ts) and an
 * agent on its forecasts (`ppo_linear`), registered by this folder alone (register.ts), train through
 * the CLI and the API like lstm: the forecaster with its yearly snapshots and walk-forward score, the
 * agent reading those snapshots' forecasts, then allocating. Nothing under src/ names them.
 */
// First: the test kinds join the registry before the modules that read it load (the API's route table).
import './register.ts';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalServer } from '../../../infra/local/server.ts';
import { call } from '../../e2e/support.ts';
import { runCli, type CliRun } from '../../e2e/cli-support.ts';

/** Node loads preload.mjs before any entry: `mizan` and the trainer processes it (or the server) starts know the test kinds. */
const WITH_TEST_KINDS = { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${fileURLToPath(new URL('./preload.mjs', import.meta.url))}`.trim() };

/** `mizan …` (bin/mizan.mjs, its own process) with the test kinds registered. */
function mizan(args: string[], dataDir: string): Promise<CliRun> {
  return runCli([...args, '--data-dir', dataDir], tmpdir(), WITH_TEST_KINDS);
}

const json = (run: CliRun) => JSON.parse(run.stdout) as Record<string, unknown>;

describe('a forecaster kind and its agent defined outside src/ (test/kinds/linear)', () => {
  let dataDir: string;
  let forecaster: Record<string, unknown>;

  beforeAll(async () => {
    dataDir = join(await mkdtemp(join(tmpdir(), 'mizan-linear-cli-')), 'data');
    const run = await mizan(['train', 'linear', '--profile', 'smoke'], dataDir);
    expect(run.code, run.stderr).toBe(0);
    forecaster = json(run);
  });

  it('trains through the CLI with its snapshots and their walk-forward score, like a built-in forecaster', () => {
    expect(forecaster).toMatchObject({ kind: 'linear', profile: 'smoke', promoted: true, prior_version: null, data_window_end: '2022-12-30' });
    expect(Object.keys(forecaster.metrics as object).slice(0, 3)).toEqual(['train_loss', 'val_loss', 'baseline_loss']);
    expect(forecaster.snapshots).toEqual([
      { year_end: '2020-12-31', outcome: 'trained' },
      { year_end: '2021-12-31', outcome: 'trained' },
    ]);
    expect((forecaster.walk_forward as { weeks: number }).weeks).toBeGreaterThan(0);
  });

  it('is read by an agent kind on its forecasts (ppo_linear), which then allocates', async () => {
    const run = await mizan(['train', 'ppo_linear', '--profile', 'smoke'], dataDir);
    expect(run.code, run.stderr).toBe(0);
    const agent = json(run);
    expect(agent).toMatchObject({ kind: 'ppo_linear', promoted: true, walk_forward: 'snapshots' });
    expect(Object.keys(agent.metrics as object)).toEqual(expect.arrayContaining(['policy_loss', 'eval_sharpe', 'benchmark_sharpe']));
    expect(run.stderr).toMatch(/panel: .*\(snapshots 2020-12-31, 2021-12-31\)/);

    const allocation = await mizan(['allocate', 'ppo_linear', '--as-of', '2022-12-30', '--json'], dataDir);
    expect(allocation.code, allocation.stderr).toBe(0);
    expect(json(allocation)).toMatchObject({ kind: 'ppo_linear', algorithm: 'ppo', forecaster: { kind: 'linear', walk_forward: 'snapshots', snapshot: '2021-12-31' } });
  });

  describe('through the API', () => {
    let server: LocalServer;

    beforeAll(async () => {
      const { startLocalServer } = await import('../../../infra/local/server.ts');
      const apiDir = join(await mkdtemp(join(tmpdir(), 'mizan-linear-api-')), 'data');
      server = await startLocalServer({ port: 0, dataDir: apiDir, profile: 'smoke', trainerEnv: WITH_TEST_KINDS, log: () => undefined });
    });

    afterAll(async () => server?.close());

    it('trains the forecaster (the same version as the CLI on the same data) and lists it', async () => {
      const trained = await call(server.url, 'POST', '/train/linear?wait=300', '{"skip_snapshot":true}');
      expect(trained.status, trained.text).toBe(200);
      expect(trained.body).toMatchObject({ kind: 'linear', version: forecaster.version, metrics: forecaster.metrics, promoted: true });
      const models = await call(server.url, 'GET', '/models/linear');
      expect(models.status).toBe(200);
      expect(models.body).toMatchObject({ kind: 'linear', current: forecaster.version });
    });
  });
});
