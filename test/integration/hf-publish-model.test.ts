/**
 * "Publish to Hugging Face" over a stored version (synthetic files, no training): which branches it
 * writes, what each holds, the model card, idempotence, and a failure recorded beside the result.
 */
import { createHash } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makePublishHandler } from '../../functions/publish/handler.ts';
import { makeRecordResultHandler } from '../../functions/record-result/handler.ts';
import { localLambdaContext } from '../../functions/shared/lambda-context.ts';
import { HuggingFacePublisher } from '../../src/adapters/hf/hugging-face-publisher.ts';
import { DirArtifactStore } from '../../src/adapters/local/dir-artifact-store.ts';
import { LocalModelRegistry } from '../../src/adapters/local/local-model-registry.ts';
import { writeModelFiles, versionPrefix } from '../../src/models/artifacts/model-files.ts';
import type { PromotionOutcome } from '../../src/pipeline/decide-promotion.ts';
import type { TrainingPlan } from '../../src/models/training-plan.ts';
import { publishModel } from '../../src/pipeline/publish.ts';
import { noPublisher } from '../../src/ports/publisher.ts';
import { snapshotPrefix } from '../../src/snapshots/snapshot-paths.ts';
import { startFakeHub, type FakeHub } from '../support/fake-hugging-face-hub.ts';

const TOKEN = 'hf_test_token';
const VERSION = 'v2022.12.30-0123456789ab';
const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'PEP'];
const YEAR_ENDS = ['2020-12-31', '2021-12-31'];
const bytes = (text: string) => new TextEncoder().encode(text);
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

const plan = {
  kind: 'lstm',
  mode: 'full',
  profile: 'smoke',
  version: VERSION,
  window: { start: '2016-01-04', end: '2022-12-30' },
  symbols: SYMBOLS,
  config: { lookbackDays: 60, hiddenUnits: 16, seed: 7 },
  snapshotYearEnds: YEAR_ENDS,
} as unknown as TrainingPlan;

const modelFiles = () => ({
  'model.json': bytes('{"format":"layers-model"}'),
  'weights.bin': Uint8Array.from({ length: 2048 }, (_, i) => (i * 13) % 251),
  'scaler.json': bytes('{"mean":[0],"std":[1]}'),
  'config.json': bytes('{"lookbackDays":60}'),
});

const promoted: PromotionOutcome = { promoted: true, prior_version: null, reason: 'first lstm model (test_loss=0.0028)', compared_on: 'first_model' };
const notPromoted: PromotionOutcome = {
  promoted: false,
  prior_version: 'v2022.12.30-aaaaaaaaaaaa',
  reason: 'test_loss 0.0029 is not lower than 0.0028',
  compared_on: 'same_test_weeks',
  comparison: { against: 'v2022.12.30-aaaaaaaaaaaa', compared_on: 'same_test_weeks', metric: 'test_loss', better: 'lower', current_score: 0.0028, candidate_score: 0.0029, reason: 'same weeks' },
  rule: 'not_significant',
  test: { method: 'diebold_mariano', measure: 'mean_squared_error_over_symbols', statistic: 0.84, p_value: 0.79, p_value_worse: 0.21, level: 0.1, difference: 0.0001, weeks: { first: '2022-01-03', last: '2022-12-26', count: 52 } },
  level: 0.1,
  max_age_weeks: 26,
  age_weeks: 0,
};

describe('publishModel', () => {
  let hub: FakeHub;
  let store: DirArtifactStore;
  let registry: LocalModelRegistry;
  let dataDir: string;
  const publisher = () => new HuggingFacePublisher({ repo: 'acme/mizan-{kind}', token: async () => TOKEN, hubUrl: hub.url, timeoutMs: 2000 });
  const deps = () => ({ store, registry, publisher: publisher() });
  const files = (branch: string) => hub.listing('acme/mizan-lstm', branch)?.map((f) => f.path);
  const text = (branch: string, path: string) => hub.repos.get('acme/mizan-lstm')!.branches.get(branch)!.get(path)!.bytes.toString('utf8');

  beforeEach(async () => {
    hub = await startFakeHub({ token: TOKEN });
    dataDir = await mkdtemp(join(tmpdir(), 'mizan-hf-publish-'));
    store = new DirArtifactStore(dataDir);
    registry = new LocalModelRegistry(dataDir);
    await writeModelFiles(store, versionPrefix('lstm', VERSION), modelFiles(), {
      kind: 'lstm',
      version: VERSION,
      mode: 'full',
      profile: 'smoke',
      window: plan.window,
      symbols: SYMBOLS,
      config: plan.config,
      metrics: { train_loss: 0.0012, val_loss: 0.0011, baseline_loss: 0.001, mean_baseline_loss: 0.00095, test_loss: 0.0028, test_baseline_loss: 0.0024, test_mean_baseline_loss: 0.0025 },
      test_vs_baselines: 'does not beat zero (16.67 %), does not beat mean (12.00 %)',
    });
    for (const yearEnd of YEAR_ENDS) {
      await writeModelFiles(store, snapshotPrefix('lstm', yearEnd), { ...modelFiles(), 'config.json': bytes(`{"yearEnd":"${yearEnd}"}`) }, {
        kind: 'lstm',
        snapshot_key: `s${yearEnd.replaceAll('-', '')}-0123456789abcdef`,
        year_end: yearEnd,
        training_data_end: yearEnd,
        last_training_week_end: yearEnd,
        window: { start: '2016-01-04', end: yearEnd },
        symbols: SYMBOLS,
        config: plan.config,
        config_hash: 'abc',
        metrics: { train_loss: 0.001, val_loss: 0.002, baseline_loss: 0.0021 },
        made_by_version: VERSION,
      });
    }
    await registry.promote('lstm', undefined, VERSION); // as "Decide promotion" does for a promoted run
  });
  afterEach(() => hub.close());

  it('publishes a version that was not promoted to its own branch only: everything to load it, and main untouched', async () => {
    // Act
    const result = await publishModel({ plan, promotion: notPromoted }, deps());

    // Assess
    expect(result).toEqual({ hf_repo: 'acme/mizan-lstm', hf_url: `${hub.url}/acme/mizan-lstm/tree/${VERSION}` });
    expect(files(VERSION)).toEqual(['.gitattributes', 'README.md', 'config.json', 'metadata.json', 'model.json', 'scaler.json', 'weights.bin']);
    expect(files('main')).toEqual(['.gitattributes']);
    const metadata = JSON.parse(text(VERSION, 'metadata.json')) as { files: Record<string, string>; hf_repo: string; hf_url: string };
    expect(metadata).toMatchObject({ hf_repo: result.hf_repo, hf_url: result.hf_url });
    const listing = hub.listing('acme/mizan-lstm', VERSION)!;
    for (const [name, content] of Object.entries(modelFiles())) {
      expect(metadata.files[name], name).toBe(sha256(content));
      expect(listing.find((f) => f.path === name)?.sha256, name).toBe(sha256(content));
    }
    expect(listing.find((f) => f.path === 'weights.bin')?.lfs).toBe(true);
    expect(text(VERSION, 'README.md')).toMatch(/\*\*Not promoted\*\*: the current model stayed \(same test weeks\)[\s\S]*test_loss 0\.0029 is not lower than 0\.0028[\s\S]*this version 0\.0029, current 0\.0028/);
    expect(text(VERSION, 'README.md')).toContain('Rule that decided: `not_significant` (one-sided level 0.1, age rule after 26 weeks of data).');
    expect(text(VERSION, 'README.md')).toContain('Test: Diebold–Mariano on the weekly loss differential, statistic 0.84, one-sided p 0.79 (better) / 0.21 (worse), 52 weeks 2022-01-03 to 2022-12-26.');
  });

  it('also moves main to a promoted version, with the same files', async () => {
    // Act
    await publishModel({ plan, promotion: promoted }, deps());

    // Assess
    expect(hub.listing('acme/mizan-lstm', 'main')).toEqual(hub.listing('acme/mizan-lstm', VERSION));
    expect(hub.commits.filter((c) => c.branch === 'main').map((c) => c.title)).toEqual([`mizan lstm: ${VERSION} is the current model`]);
  });

  it('leaves main alone when another version has become current since this one was promoted', async () => {
    // Prepare
    const later = 'v2023.01.06-bbbbbbbbbbbb';
    await writeModelFiles(store, versionPrefix('lstm', later), modelFiles(), { kind: 'lstm', version: later });
    await registry.promote('lstm', VERSION, later);

    // Act
    await publishModel({ plan, promotion: promoted }, deps());

    // Assess
    expect(files(VERSION)).toContain('weights.bin');
    expect(files('main')).toEqual(['.gitattributes']);
  });

  it('publishes each snapshot to snapshot-YYYY-MM-DD with its own files, metadata and card', async () => {
    // Act
    await publishModel({ plan, promotion: promoted }, deps());

    // Assess
    for (const yearEnd of YEAR_ENDS) {
      const branch = `snapshot-${yearEnd}`;
      expect(files(branch), branch).toEqual(['.gitattributes', 'README.md', 'config.json', 'metadata.json', 'model.json', 'scaler.json', 'weights.bin']);
      expect(text(branch, 'config.json')).toBe(`{"yearEnd":"${yearEnd}"}`);
      expect(JSON.parse(text(branch, 'metadata.json'))).toMatchObject({ year_end: yearEnd, hf_url: `${hub.url}/acme/mizan-lstm/tree/${branch}` });
      expect(text(branch, 'README.md')).toContain(`# mizan lstm snapshot ${yearEnd}`);
      expect(text(branch, 'README.md')).toContain(`mizan pull lstm ${branch} --from-hf acme/mizan-lstm`);
    }
    expect(text(VERSION, 'README.md')).toMatch(/- `snapshot-2020-12-31`\n- `snapshot-2021-12-31`/);
  });

  it('writes a model card with kind, version, window, symbols, config, metrics beside both baselines, walk-forward, the decision and how to pull', async () => {
    // Act
    await publishModel({ plan, promotion: promoted }, deps());
    const card = text(VERSION, 'README.md');

    // Assess
    expect(card).toMatch(/^---\nlibrary_name: tensorflow\.js\n/);
    expect(card).toContain(`# mizan lstm ${VERSION}`);
    expect(card).toContain('| Kind | lstm |');
    expect(card).toContain('| Window | 2016-01-04 .. 2022-12-30 |');
    expect(card).toContain('| Symbols (4) | AAPL, MSFT, NVDA, PEP |');
    expect(card).toContain('"hiddenUnits": 16');
    expect(card).toContain('| Segment | Model | Zero-return baseline | Mean-return baseline |');
    expect(card).toContain('| Test | 0.0028 | 0.0024 | 0.0025 |');
    expect(card).toContain('| Validation | 0.0011 | 0.001 | 0.00095 |');
    expect(card).toContain('On the test weeks: does not beat zero (16.67 %), does not beat mean (12.00 %).');
    expect(card).toContain('## Walk-forward');
    expect(card).toContain('**Promoted**: this version became the current model (first model).');
    expect(card).toContain('Reason: first lstm model (test_loss=0.0028)');
    expect(card).toContain(`mizan pull lstm ${VERSION} --from-hf acme/mizan-lstm --data-dir ./data`);
    expect(card).toContain(`| weights.bin | \`${sha256(modelFiles()['weights.bin'])}\` |`);
  });

  it('is idempotent: publishing the same version again commits nothing and answers the same URL', async () => {
    // Prepare
    const first = await publishModel({ plan, promotion: promoted }, deps());
    const commits = hub.commits.length;

    // Act
    const again = await publishModel({ plan, promotion: promoted }, deps());

    // Assess
    expect(commits).toBe(4); // version, main, two snapshots
    expect(again).toEqual(first);
    expect(hub.commits).toHaveLength(commits);
  });

  it('publishes nothing without a configured repo', async () => {
    expect(await publishModel({ plan, promotion: promoted }, { ...deps(), publisher: noPublisher })).toEqual({ hf_repo: null, hf_url: null });
    expect(hub.requests).toHaveLength(0);
  });

  it('records a failed upload beside the result (Publish → its Catch → Record result): the promotion stands', async () => {
    // Prepare: the state as "Publish to Hugging Face" receives it, and the Hub failing every request
    await registry.claim('lstm', VERSION, VERSION);
    const state = { plan, skipSnapshot: false, publish: true, executionName: VERSION, promotion: promoted };
    hub.fail({ status: 502, error: 'Bad Gateway' }, /./, 100);
    const publish = makePublishHandler(deps());

    // Act
    const error = (await publish(state, localLambdaContext('mizan-publish')).catch((e: unknown) => e)) as Error;
    const response = await makeRecordResultHandler({ store, registry })(
      { ...state, publishError: { Error: error.name, Cause: error.message } },
      localLambdaContext('mizan-record-result'),
    );

    // Assess
    expect(response).toMatchObject({ promoted: true, hf_repo: null, hf_url: null });
    expect(response.publish_error).toMatch(/^HuggingFaceError: Hugging Face Hub failed \(502\) while listing acme\/mizan-lstm branch v2022\.12\.30-0123456789ab: Bad Gateway/);
    expect(await registry.current('lstm')).toBe(VERSION);
    expect(hub.commits).toHaveLength(0);
  });
});
