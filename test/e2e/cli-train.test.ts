/**
 * Issue 2's acceptance, as a user checks it from a shell: `mizan train lstm --profile smoke` run as
 * its own process from an unrelated directory, its stdout/stderr/exit code, and what it leaves on
 * disk. One trained data dir is shared by the cases (each real run costs ~10 s on two cores).
 */
import { createHash } from 'node:crypto';
import { lstat, mkdtemp, readFile, readlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROFILES } from '../../src/config/profiles.ts';
import { LSTM_CONFIGS } from '../../src/models/forecasters/lstm/lstm-config.ts';
import { loadBars } from '../../src/data/load-bars.ts';
import { SampleMarketData } from '../../src/adapters/sample/sample-market-data.ts';
import { buildWeeklySamples } from '../../src/features/weekly-dataset.ts';
import { splitByDate } from '../../src/models/forecasters/shared/date-split.ts';
import { deserializeForecaster } from '../../src/models/forecasters/shared/forecaster-artifacts.ts';
import { evaluateMse, predict } from '../../src/models/forecasters/shared/forecaster-inference.ts';
import { dieboldMariano } from '../../src/stats/diebold-mariano.ts';
import { initBackend } from '../../src/ml/backend.ts';
import { dataRange } from '../../src/data/data-range.ts';
import { DirArtifactStore } from '../../src/adapters/local/dir-artifact-store.ts';
import { readModelFiles, versionPrefix } from '../../src/models/artifacts/model-files.ts';
import { listTree, runCli, type CliRun } from './cli-support.ts';
import { trainerFault } from '../support/trainer-fault.ts';

const SEED_FIELDS = ['version', 'data_window_start', 'data_window_end', 'metrics', 'promoted', 'prior_version', 'hf_repo', 'hf_url'];
const MODEL_FILES = ['model.json', 'weights.bin', 'scaler.json', 'config.json'];

interface ForecasterResponse {
  version: string;
  data_window_start: string;
  data_window_end: string;
  metrics: { train_loss: number; val_loss: number; baseline_loss: number };
  promoted: boolean;
  prior_version: string | null;
  hf_repo: string | null;
  hf_url: string | null;
}

interface Metadata {
  version: string;
  window: { start: string; end: string };
  symbols: string[];
  seed: number;
  data_fingerprint: string;
  metrics: Record<string, number>;
  config: { lookbackDays: number; trainFraction: number; gapWeeks: number };
  files: Record<string, string>;
  comparison: { against: string; compared_on: string; current_score?: number } | null;
}

/** A kind whose trainer is not written yet, if any is left. */
// A deployment limited to the forecasters (MIZAN_KINDS): ppo_lstm has no trainer there.
const UNREGISTERED = 'ppo_lstm';

const readJson = async <T>(path: string): Promise<T> => JSON.parse(await readFile(path, 'utf8')) as T;

describe('mizan train lstm --profile smoke, run as a process from any directory', () => {
  let cwd: string;
  let dataDir: string;
  let first: CliRun;
  let response: ForecasterResponse;

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'mizan-cli-cwd-'));
    dataDir = join(await mkdtemp(join(tmpdir(), 'mizan-cli-')), 'data'); // does not exist yet: the run creates it
    first = await runCli(['train', 'lstm', '--profile', 'smoke', '--skip-snapshot', '--data-dir', dataDir], cwd);
    response = JSON.parse(first.stdout) as ForecasterResponse;
  });

  it('exits 0 with exactly the seed forecaster JSON on stdout and per-epoch progress on stderr, well under a minute', () => {
    // Assess
    expect(first.code, first.stderr).toBe(0);
    expect(first.seconds).toBeLessThan(60);
    expect(Object.keys(response)).toEqual(expect.arrayContaining(SEED_FIELDS));
    expect(response.version).toMatch(/^v2022\.12\.30-[0-9a-f]{12}$/);
    expect(response).toMatchObject({
      data_window_start: PROFILES.smoke.windowStart,
      data_window_end: PROFILES.smoke.windowEnd,
      promoted: true,
      prior_version: null,
      hf_repo: null,
      hf_url: null,
    });
    // The seed's three first, then the mean baseline and the test segment beside both baselines.
    expect(Object.keys(response.metrics)).toEqual([
      'train_loss', 'val_loss', 'baseline_loss', 'mean_baseline_loss', 'test_loss', 'test_baseline_loss', 'test_mean_baseline_loss',
    ]);
    expect(first.stderr).toMatch(/test_loss=\S+ \(test: (beats|does not beat) zero .*, (beats|does not beat) mean/);
    for (const value of Object.values(response.metrics)) expect(value).toBeGreaterThan(0);
    // stdout is the JSON and nothing else (JSON.parse above took all of it); progress went to stderr.
    expect(first.stderr).toMatch(/epoch 1\/\d+ train_loss=\S+ val_loss=\S+ .*eta/);
    expect(first.stdout).not.toMatch(/epoch/);
  });

  it('leaves the version directory, its metadata with hashes that match the files, and `current` as a symlink to it', async () => {
    // Prepare
    const kindDir = join(dataDir, 'models', 'lstm');
    const versionDir = join(kindDir, response.version);
    // Act
    const metadata = await readJson<Metadata>(join(versionDir, 'metadata.json'));
    const pointer = await lstat(join(kindDir, 'current'));
    // Assess
    expect(pointer.isSymbolicLink()).toBe(true);
    expect(await readlink(join(kindDir, 'current'))).toBe(response.version);
    expect(Object.keys(metadata.files).sort()).toEqual([...MODEL_FILES].sort());
    for (const file of MODEL_FILES) {
      const bytes = await readFile(join(versionDir, file));
      expect(bytes.length, file).toBeGreaterThan(0);
      expect(createHash('sha256').update(bytes).digest('hex'), `sha256 of ${file}`).toBe(metadata.files[file]);
    }
    expect(metadata.version).toBe(response.version);
    expect(metadata.window).toEqual({ start: response.data_window_start, end: response.data_window_end });
    expect(metadata.metrics).toMatchObject(response.metrics);
    expect(metadata.symbols.length).toBeGreaterThan(0);
    expect(metadata.symbols).toEqual([...metadata.symbols].sort());
    expect(metadata.seed).toBe(LSTM_CONFIGS.smoke.seed);
    expect(metadata.data_fingerprint).toMatch(/^[0-9a-f]{16,}$/);
  });

  it('answers a repeated identical request with the same JSON, says so, and trains nothing (the data dir is unchanged)', async () => {
    // Prepare
    const before = await listTree(dataDir);
    // Act
    const again = await runCli(['train', 'lstm', '--profile', 'smoke', '--skip-snapshot', '--data-dir', dataDir], cwd);
    // Assess
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual(response);
    expect(again.stderr).toMatch(new RegExp(`${response.version} already trained`));
    expect(again.stderr).not.toMatch(/epoch|\[Train\]|started/);
    // No trainer ran: no new execution file, no artifact rewritten (mtimes), `current` not re-pointed.
    expect(await listTree(dataDir)).toEqual(before);
  });

  it('lists the version as current with its metrics (mizan models lstm)', async () => {
    // Act
    const models = await runCli(['models', 'lstm', '--data-dir', dataDir], cwd);
    // Assess
    expect(models.code, models.stderr).toBe(0);
    const view = JSON.parse(models.stdout) as { current: string; versions: { version: string; status: string; current: boolean; metrics: unknown }[] };
    expect(view.current).toBe(response.version);
    expect(view.versions).toEqual([expect.objectContaining({ version: response.version, status: 'SUCCEEDED', current: true, metrics: response.metrics })]);
  });

  it(`exits 2 with one line naming the kinds that train for a kind without a trainer in this deployment (${UNREGISTERED}), and writes nothing`, async () => {
    // Prepare
    const before = await listTree(dataDir);
    // Act
    const refused = await runCli(['train', UNREGISTERED, '--profile', 'smoke', '--data-dir', dataDir], cwd, { MIZAN_KINDS: 'lstm,patchtst' });
    // Assess
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr.trimEnd().split('\n')).toEqual([`mizan train: no ${UNREGISTERED} trainer in this deployment (MIZAN_KINDS) of mizan: the kinds that train are lstm, patchtst`]);
    expect(await listTree(dataDir)).toEqual(before);
  });

  it('exits 1 with the readable cause on stderr when a run fails (a crashing trainer), and moves no `current`', async () => {
    // Prepare: its own data dir, so the failed version does not join this file's listings.
    const failingDir = join(await mkdtemp(join(tmpdir(), 'mizan-cli-fail-')), 'data');
    // Act
    const failed = await runCli(['train', 'lstm', '--profile', 'smoke', '--skip-snapshot', '--data-dir', failingDir], cwd, trainerFault('crash'));
    // Assess
    expect(failed.code, failed.stderr).toBe(1);
    expect(failed.stdout).toBe('');
    expect(failed.stderr).toMatch(/training failed: .*injected fault: the trainer crashed/);
    // The cause is readable, not the raw Batch job JSON.
    expect(failed.stderr).not.toMatch(/training failed: .*"JobId"/);
    await expect(lstat(join(failingDir, 'models', 'lstm', 'current'))).rejects.toMatchObject({ code: 'ENOENT' });
    const models = JSON.parse((await runCli(['models', 'lstm', '--data-dir', failingDir], cwd)).stdout) as { current: null; versions: { status: string }[] };
    expect(models.current).toBeNull();
    expect(models.versions).toEqual([expect.objectContaining({ status: 'FAILED' })]);
  });

  it('promotes a second real run (another window end) iff it is significantly better than the first model on its test weeks neither model saw', async () => {
    // Act: --end changes the window, hence the version; the first model is current.
    const second = await runCli(['train', 'lstm', '--profile', 'smoke', '--skip-snapshot', '--end', '2022-09-30', '--data-dir', dataDir], cwd);
    // Assess
    expect(second.code, second.stderr).toBe(0);
    const next = JSON.parse(second.stdout) as ForecasterResponse & { promotion: { compared_on: string; reason: string; rule: string } };
    expect(next.version).toMatch(/^v2022\.09\.30-/);
    expect(next.version).not.toBe(response.version);
    const store = new DirArtifactStore(dataDir);
    const metadata = await readJson<Metadata>(join(dataDir, 'models', 'lstm', next.version, 'metadata.json'));
    const firstMetadata = await readJson<Metadata & { split: { valLastWeek: string } }>(join(dataDir, 'models', 'lstm', response.version, 'metadata.json'));
    expect(metadata.comparison).toMatchObject({ against: response.version, compared_on: 'same_test_weeks', metric: 'test_loss' });
    const comparison = metadata.comparison as Required<NonNullable<Metadata['comparison']>> & { candidate_score: number; samples: number; weeks: { first: string; last: string; count: number } };

    // Recompute both losses independently of the trainer: the second run's test weeks, less those the
    // first model saw (up to its last validation week: its window ends later, so it reaches into them).
    await initBackend();
    const bars = await loadBars(new SampleMarketData(), metadata.symbols, dataRange(metadata.window, metadata.config.lookbackDays));
    const { test } = splitByDate(buildWeeklySamples(bars, metadata.window, metadata.config.lookbackDays), metadata.config as never);
    const unseen = test.filter((s) => s.week > firstMetadata.split.valLastWeek);
    expect(unseen.length).toBeGreaterThan(0);
    expect(comparison).toMatchObject({ samples: unseen.length, weeks: { first: unseen.map((s) => s.week).sort()[0], count: new Set(unseen.map((s) => s.week)).size } });
    const scoresOn = async (version: string) => {
      const model = await deserializeForecaster((await readModelFiles(store, versionPrefix('lstm', version)))!.files);
      try {
        const predictions = predict(model, unseen);
        const weeks = [...new Set(unseen.map((s) => s.week))].sort();
        // The promotion test's series: each week's squared error averaged over that week's symbols.
        const weekly = weeks.map((week) => {
          const errors = unseen.flatMap((s, i) => (s.week === week ? [(predictions[i] - s.target) ** 2] : []));
          return errors.reduce((a, b) => a + b, 0) / errors.length;
        });
        return { mse: evaluateMse(model, unseen), weekly };
      } finally {
        model.model.dispose();
      }
    };
    // To float32 precision: the fused LSTM kernel's sums round differently in the last bit between the
    // trainer's scoring and this one call (2.5e-8 relative measured, with one thread or two).
    const closeTo = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-6 * Math.abs(expected));
    const first = await scoresOn(response.version);
    const challenger = await scoresOn(next.version);
    closeTo(first.mse, comparison.current_score);
    closeTo(challenger.mse, comparison.candidate_score);
    const weekly = (metadata.comparison as unknown as { weekly: { weeks: string[]; candidate: number[]; current: number[] } }).weekly;
    expect(weekly.weeks).toEqual([...new Set(unseen.map((s) => s.week))].sort());
    // A week's mean of a few squared errors: the float32 rounding of its predictions weighs more (1e-5).
    const weekClose = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-5 * Math.abs(expected));
    weekly.current.forEach((value, t) => weekClose(value, first.weekly[t]));
    weekly.candidate.forEach((value, t) => weekClose(value, challenger.weekly[t]));

    // The rule: Diebold–Mariano on the weekly losses at one-sided 0.10 (the challenger's data ends
    // earlier than the first model's: the age rule does not apply). With fewer than 8 weeks, no test.
    const tested = weekly.weeks.length >= 8;
    const shouldPromote = tested && dieboldMariano(challenger.weekly, first.weekly).pValue < 0.1;
    expect(next).toMatchObject({
      promoted: shouldPromote,
      prior_version: response.version,
      promotion: { compared_on: 'same_test_weeks', rule: shouldPromote ? 'significantly_better' : tested ? expect.stringMatching(/^(not_significant|significantly_worse)$/) : 'no_test', comparison: { samples: unseen.length } },
    });
    expect(await readlink(join(dataDir, 'models', 'lstm', 'current'))).toBe(shouldPromote ? next.version : response.version);
    const view = JSON.parse((await runCli(['models', 'lstm', '--data-dir', dataDir], cwd)).stdout) as { current: string; versions: unknown[] };
    expect(view.current).toBe(shouldPromote ? next.version : response.version);
    expect(view.versions).toHaveLength(2);
  });
});
