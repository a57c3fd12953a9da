/**
 * Issue 12 end to end on the local fake Hub: an lstm (with its yearly snapshots) and a ppo_lstm
 * agent trained with the smoke profile through the TrainModel state machine, each published to its
 * version branch (and main, promoted); `mizan pull` restores them into an empty data dir, checks
 * every sha256, and the pulled models predict exactly as the trained ones. A run whose upload is
 * refused still succeeds, with the error recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalWorkflow } from '../../infra/local/open-local-workflow.ts';
import { HuggingFacePublisher } from '../../src/adapters/hf/hugging-face-publisher.ts';
import { DirArtifactStore } from '../../src/adapters/local/dir-artifact-store.ts';
import { main } from '../../src/cli/main.ts';
import type { Io } from '../../src/cli/commands/common.ts';
import type { ModelKind, TrainMode } from '../../src/config/model-kinds.ts';
import { initBackend } from '../../src/ml/backend.ts';
import { readModelFiles, versionPrefix } from '../../src/models/artifacts/model-files.ts';
import { deserializePpoAgent } from '../../src/models/agents/ppo/ppo-artifacts.ts';
import { deserializeForecaster } from '../../src/models/forecasters/shared/forecaster-artifacts.ts';
import { predict } from '../../src/models/forecasters/shared/forecaster-inference.ts';
import { resolveTrainingPlan } from '../../src/pipeline/resolve-plan.ts';
import { startTraining } from '../../src/pipeline/start-training.ts';
import type { Publisher } from '../../src/ports/publisher.ts';
import { localDeps, type LocalDeps } from '../../src/runtime/local-deps.ts';
import { listSnapshots } from '../../src/snapshots/list-snapshots.ts';
import { tempDataDir } from '../e2e/support.ts';
import { startFakeHub, type FakeHub } from '../support/fake-hugging-face-hub.ts';

const TOKEN = 'hf_test_token';
const REPO = 'acme/mizan-{kind}';

interface Response {
  version: string;
  promoted: boolean;
  hf_repo: string | null;
  hf_url: string | null;
  publish_error?: string;
}

async function train(deps: LocalDeps, publisher: Publisher, kind: ModelKind, mode: TrainMode = 'full'): Promise<Response> {
  const withHub = { ...deps, publisher };
  const workflow = await openLocalWorkflow(withHub);
  try {
    const plan = await resolveTrainingPlan({ kind, mode, profile: 'smoke' }, withHub);
    const outcome = await startTraining(plan, { skipSnapshot: false }, { registry: deps.registry, store: deps.store, workflow, publisherEnabled: true });
    if (outcome.status !== 'RUNNING') throw new Error(`${kind} ${plan.version} was already trained`);
    const finished = await workflow.waitFor(outcome.executionId);
    if (finished.status !== 'SUCCEEDED') throw new Error(`${kind} failed: ${finished.error}: ${finished.cause}`);
    return (await deps.registry.get(kind, plan.version))!.response as unknown as Response;
  } finally {
    await workflow.close();
  }
}

async function pull(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env };
  const code = await main(['pull', ...args], io);
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

/** Deterministic inputs in a plausible range (the scaler maps them as it would real windows). */
function windows(count: number, width: number): Float32Array[] {
  return Array.from({ length: count }, (_, i) => Float32Array.from({ length: width }, (_, j) => Math.sin(i * 7.1 + j * 0.37) * 0.03));
}

describe('train → publish → pull through the fake Hub (smoke profile)', () => {
  let hub: FakeHub;
  let deps: LocalDeps;
  let pulledDir: string;
  let env: Record<string, string>;
  let lstm: Response;
  let agent: Response;

  beforeAll(async () => {
    hub = await startFakeHub({ token: TOKEN });
    env = { HF_TOKEN: TOKEN, HF_ENDPOINT: hub.url };
    deps = await localDeps({ dataDir: await tempDataDir() });
    const publisher = new HuggingFacePublisher({ repo: REPO, token: async () => TOKEN, hubUrl: hub.url });
    lstm = await train(deps, publisher, 'lstm'); // with its 2020 and 2021 snapshots, which the agent reads
    agent = await train(deps, publisher, 'ppo_lstm');
    pulledDir = await tempDataDir();
  }, 300_000);
  afterAll(() => hub?.close());

  it('answers hf_repo and the version branch URL for a forecaster and an agent', () => {
    expect(lstm).toMatchObject({ promoted: true, hf_repo: 'acme/mizan-lstm', hf_url: `${hub.url}/acme/mizan-lstm/tree/${lstm.version}` });
    expect(agent).toMatchObject({ promoted: true, hf_repo: 'acme/mizan-ppo-lstm', hf_url: `${hub.url}/acme/mizan-ppo-lstm/tree/${agent.version}` });
    expect(lstm.publish_error).toBeUndefined();
  });

  it('puts every file needed to load each model on its branch, with main the same (both promoted) and the snapshot branches', () => {
    expect(hub.listing('acme/mizan-lstm', lstm.version)!.map((f) => f.path)).toEqual([
      '.gitattributes', 'README.md', 'config.json', 'metadata.json', 'model.json', 'scaler.json', 'weights.bin',
    ]);
    expect(hub.listing('acme/mizan-ppo-lstm', agent.version)!.map((f) => f.path)).toEqual([
      '.gitattributes', 'README.md', 'metadata.json', 'panel-transform.json', 'ppo-agent.json', 'ppo-weights.bin',
    ]);
    expect(hub.listing('acme/mizan-lstm', 'main')).toEqual(hub.listing('acme/mizan-lstm', lstm.version));
    expect(hub.listing('acme/mizan-ppo-lstm', 'main')).toEqual(hub.listing('acme/mizan-ppo-lstm', agent.version));
    const branches = [...hub.repos.get('acme/mizan-lstm')!.branches.keys()].sort();
    expect(branches).toEqual(['main', 'snapshot-2020-12-31', 'snapshot-2021-12-31', lstm.version].sort());
  });

  it('pulls the forecaster into an empty data dir, verifying every sha256, and it predicts identically', async () => {
    // Act
    const run = await pull(['lstm', lstm.version, '--from-hf', 'acme/mizan-lstm', '--data-dir', pulledDir], env);

    // Assess
    expect(run.code, run.stderr).toBe(0);
    const printed = JSON.parse(run.stdout) as { files: Record<string, string>; verified: string; already_present: boolean; path: string };
    expect(printed).toMatchObject({ verified: 'sha256', already_present: false, path: `${pulledDir}/models/lstm/${lstm.version}` });
    expect(Object.keys(printed.files).sort()).toEqual(['config.json', 'model.json', 'scaler.json', 'weights.bin']);
    expect(run.stderr).toMatch(/weights\.bin: \d+ bytes, sha256 verified/);
    const trained = (await readModelFiles(deps.store, versionPrefix('lstm', lstm.version)))!;
    const pulled = (await readModelFiles(new DirArtifactStore(pulledDir), versionPrefix('lstm', lstm.version)))!;
    expect(pulled.files).toEqual(trained.files);
    expect(pulled.metadata).toMatchObject({ version: lstm.version, hf_repo: 'acme/mizan-lstm', hf_url: lstm.hf_url });

    await initBackend();
    const [a, b] = [await deserializeForecaster(trained.files), await deserializeForecaster(pulled.files)];
    try {
      const inputs = windows(32, a.config.lookbackDays * a.scaler.channels);
      const expected = Array.from(predict(a, inputs));
      expect(expected.every(Number.isFinite)).toBe(true);
      expect(Array.from(predict(b, inputs))).toEqual(expected);
    } finally {
      a.model.dispose();
      b.model.dispose();
    }
  });

  it('pulls the agent (every network, the observation transform, its symbol order and config) and it acts identically', async () => {
    // Act
    const run = await pull(['ppo_lstm', agent.version, '--data-dir', pulledDir], { ...env, MIZAN_HF_REPO: REPO });

    // Assess
    expect(run.code, run.stderr).toBe(0);
    const trained = (await readModelFiles(deps.store, versionPrefix('ppo_lstm', agent.version)))!;
    const pulled = (await readModelFiles(new DirArtifactStore(pulledDir), versionPrefix('ppo_lstm', agent.version)))!;
    expect(pulled.files).toEqual(trained.files);
    expect(pulled.metadata.symbols_used).toEqual(trained.metadata.symbols_used);
    expect(pulled.metadata.config).toEqual(trained.metadata.config);
    const [a, b] = [deserializePpoAgent(trained.files), deserializePpoAgent(pulled.files)];
    try {
      for (let i = 0; i < 8; i++) {
        const obs = Float32Array.from({ length: a.obsDim }, (_, j) => Math.cos(i * 3.3 + j * 0.71));
        expect(Array.from(b.act(obs)), `observation ${i}`).toEqual(Array.from(a.act(obs)));
      }
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it('pulls a snapshot branch where walk-forward reads snapshots, and a second pull writes nothing', async () => {
    // Act
    const first = await pull(['lstm', 'snapshot-2021-12-31', '--from-hf', 'acme/mizan-lstm', '--data-dir', pulledDir], env);
    const again = await pull(['lstm', 'snapshot-2021-12-31', '--from-hf', 'acme/mizan-lstm', '--data-dir', pulledDir], env);

    // Assess
    expect(first.code, first.stderr).toBe(0);
    expect((await listSnapshots(new DirArtifactStore(pulledDir), 'lstm')).map((s) => s.yearEnd)).toEqual(['2021-12-31']);
    expect(JSON.parse(again.stdout)).toMatchObject({ already_present: true });
  });

  it('refuses a branch whose file does not match metadata.json, writing nothing', async () => {
    // Prepare: someone replaced weights.bin on the branch (metadata.json still lists the trained one)
    const file = hub.repos.get('acme/mizan-lstm')!.branches.get(lstm.version)!.get('weights.bin')!;
    const original = file.bytes;
    file.bytes = Buffer.from(original.map((b) => b ^ 1));
    const elsewhere = await tempDataDir();
    try {
      // Act
      const run = await pull(['lstm', lstm.version, '--from-hf', 'acme/mizan-lstm', '--data-dir', elsewhere], env);

      // Assess
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/weights\.bin does not match metadata\.json \(sha256 [0-9a-f]{64}, expected [0-9a-f]{64}\): nothing was written/);
      expect(await new DirArtifactStore(elsewhere).list('models')).toEqual([]);
    } finally {
      file.bytes = original;
    }
  });

  it('names what is missing: no repo, an unknown branch, a wrong token', async () => {
    const noRepo = await pull(['lstm', lstm.version, '--data-dir', pulledDir], { HF_ENDPOINT: hub.url });
    const noBranch = await pull(['lstm', 'v2099.01.01-000000000000', '--from-hf', 'acme/mizan-lstm', '--data-dir', pulledDir], env);
    const badToken = await pull(['lstm', lstm.version, '--from-hf', 'acme/mizan-lstm', '--data-dir', pulledDir], { ...env, HF_TOKEN: 'hf_wrong' });
    expect([noRepo.code, noBranch.code, badToken.code]).toEqual([2, 2, 1]);
    expect(noRepo.stderr).toMatch(/no Hugging Face repo to pull from: pass --from-hf org\/name or set MIZAN_HF_REPO/);
    expect(noBranch.stderr).toMatch(/acme\/mizan-lstm branch v2099\.01\.01-000000000000 does not exist/);
    expect(badToken.stderr).toMatch(/Hugging Face rejected the token \(401 Unauthorized\) while listing acme\/mizan-lstm branch .*Set a valid token in HF_TOKEN/);
  });

  it('records a refused upload beside a successful run: trained, decided, nothing un-promoted', async () => {
    // Prepare: a token the Hub rejects
    const rejected = new HuggingFacePublisher({ repo: REPO, token: async () => 'hf_wrong', hubUrl: hub.url });
    const commits = hub.commits.length;

    // Act: a fine-tune (a new version) of the agent
    const tuned = await train(deps, rejected, 'ppo_lstm', 'finetune');

    // Assess
    expect(tuned.publish_error).toMatch(/^HuggingFaceError: Hugging Face rejected the token \(401 Unauthorized\) while listing acme\/mizan-ppo-lstm branch /);
    expect(tuned).toMatchObject({ hf_repo: null, hf_url: null });
    expect((await deps.registry.get('ppo_lstm', tuned.version))?.status).toBe('SUCCEEDED');
    expect(await deps.registry.current('ppo_lstm')).toBe(tuned.promoted ? tuned.version : agent.version);
    expect(hub.commits).toHaveLength(commits);
  }, 120_000);

  it('`mizan publish` retries that refused upload: the branch is published, publish_error cleared, a repeat commits nothing', async () => {
    // Prepare: the refused fine-tune of the test above
    const tuned = (await deps.registry.list('ppo_lstm')).find((r) => typeof r.response?.publish_error === 'string');
    expect(tuned, 'the refused upload is recorded').toBeDefined();
    const publishEnv = { ...env, MIZAN_HF_REPO: REPO };
    const publish = async () => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await main(['publish', 'ppo_lstm', tuned!.version, '--data-dir', deps.dataDir], { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: publishEnv });
      return { code, out: out.join('\n'), err: err.join('\n') };
    };

    // Act
    const first = await publish();
    const commits = hub.commits.length;
    const again = await publish();

    // Assess
    expect(first.code, first.err).toBe(0);
    expect(JSON.parse(first.out)).toMatchObject({ hf_repo: 'acme/mizan-ppo-lstm', cleared_publish_error: tuned!.response!.publish_error, recorded: true });
    expect(hub.listing('acme/mizan-ppo-lstm', tuned!.version)?.map((f) => f.path)).toContain('metadata.json');
    const stored = (await deps.registry.get('ppo_lstm', tuned!.version))!.response!;
    expect(stored).not.toHaveProperty('publish_error');
    expect(stored).toMatchObject({ hf_repo: 'acme/mizan-ppo-lstm', hf_url: `${hub.url}/acme/mizan-ppo-lstm/tree/${tuned!.version}` });
    expect(JSON.parse(again.out)).toMatchObject({ recorded: false });
    expect(hub.commits).toHaveLength(commits);
  });
});
