/**
 * Issue 20 §2: `mizan publish KIND VERSION` retries a failed Hugging Face upload, on the local data dir
 * and against a deployment's bucket and table (s3rver + dynalite, the token from HF_TOKEN or from the
 * stack's Secrets Manager secret), through the fake Hub: the dashboard and `mizan models` show the
 * version unpublished; a retry the Hub refuses changes nothing; one that succeeds publishes the
 * version's branch and clears `publish_error` from its stored response; a repeat commits nothing.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DirArtifactStore } from '../../src/adapters/local/dir-artifact-store.ts';
import { LocalModelRegistry } from '../../src/adapters/local/local-model-registry.ts';
import type { Io } from '../../src/cli/commands/common.ts';
import { main } from '../../src/cli/main.ts';
import { renderDashboard } from '../../src/dashboard/dashboard.ts';
import type { ArtifactStore } from '../../src/ports/artifact-store.ts';
import type { ModelRegistry } from '../../src/ports/model-registry.ts';
import { awsDeps } from '../../src/runtime/aws-deps.ts';
import { SecretsManagerServer } from '../deployed/support/secrets-manager-server.ts';
import { startDynalite, type LocalDynamo } from '../support/dynalite.ts';
import { startFakeHub, type FakeHub } from '../support/fake-hugging-face-hub.ts';
import { FIXTURE, PUBLISH_ERROR, seedVersions } from '../support/promotion-fixture.ts';
import { startS3rver, type LocalS3 } from '../support/s3rver.ts';
import { tempDataDir } from './support.ts';

const { A, B, F } = FIXTURE;
const TOKEN = 'hf_test_token';
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:mizan-hf-token-AbCdEf';

interface Target {
  deps: { store: ArtifactStore; registry: ModelRegistry };
  flags: string[];
  close(): Promise<void>;
}

async function localTarget(): Promise<Target> {
  const dataDir = await tempDataDir();
  return { deps: { store: new DirArtifactStore(dataDir), registry: new LocalModelRegistry(dataDir) }, flags: ['--data-dir', dataDir], close: async () => undefined };
}

async function awsTarget(): Promise<Target> {
  const [s3, dynamo]: [LocalS3, LocalDynamo] = await Promise.all([startS3rver(), startDynalite()]);
  await Promise.all([s3.createBucket('mizan-artifacts'), dynamo.createRegistryTable('mizan-registry')]);
  const deps = await awsDeps({ MIZAN_BUCKET: 'mizan-artifacts', MIZAN_TABLE: 'mizan-registry' }, { s3: s3.client(), dynamodb: dynamo.client() });
  vi.stubEnv('AWS_ENDPOINT_URL_S3', s3.endpoint);
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynamo.endpoint);
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'S3RVER');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'S3RVER');
  return {
    deps,
    flags: ['--bucket', 'mizan-artifacts', '--table', 'mizan-registry', '--region', 'us-east-1'],
    close: async () => {
      vi.unstubAllEnvs();
      await Promise.all([s3.stop(), dynamo.stop()]);
    },
  };
}

describe.each([
  ['the local data dir', localTarget],
  ['s3rver and dynalite', awsTarget],
])('mizan publish on %s', (_where, open) => {
  let target: Target;
  let hub: FakeHub;
  let env: NodeJS.ProcessEnv;
  const cli = async (args: string[], withEnv: NodeJS.ProcessEnv = env) => {
    const out: string[] = [];
    const err: string[] = [];
    const io: Io = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: withEnv };
    const code = await main([...args, ...target.flags], io);
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
  const responseOf = async (version: string) => (await target.deps.registry.get('lstm', version))?.response;
  const modelsPage = async () => {
    const page = await renderDashboard('/ui/models/lstm.html', { ...target.deps, executions: { list: async () => [], read: async () => undefined } }, { live: false });
    return String(page.body);
  };

  beforeAll(async () => {
    target = await open();
    hub = await startFakeHub({ token: TOKEN });
    env = { MIZAN_HF_REPO: 'acme/mizan-{kind}', HF_TOKEN: TOKEN, HF_ENDPOINT: hub.url };
    await seedVersions(target.deps);
  }, 120_000);
  afterAll(async () => {
    await hub?.close();
    await target?.close();
  });

  it('shows the version whose upload failed as unpublished: on the Models page and in `mizan models`', async () => {
    const html = await modelsPage();
    expect(html).toContain(`<p class="unpublished error">Not published to Hugging Face (the upload failed): ${B}. Retry with <code>mizan publish lstm VERSION</code>.</p>`);
    expect(html).toContain('<span class="error">not published</span>');
    const models = await cli(['models', 'lstm']);
    const view = JSON.parse(models.out) as { versions: { version: string; publish_error: string | null; hf_url: string | null }[] };
    expect(view.versions.find((v) => v.version === B)).toMatchObject({ publish_error: PUBLISH_ERROR, hf_url: null });
    expect(view.versions.find((v) => v.version === A)).toMatchObject({ publish_error: null, hf_url: null });
  });

  it('changes nothing when the Hub refuses the retry too (exit 1, the error named)', async () => {
    const before = await responseOf(B);
    hub.fail({ status: 503 }, /\/commit\//, 1);
    const run = await cli(['publish', 'lstm', B]);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/Hugging Face Hub failed \(503\) while committing .* acme\/mizan-lstm branch v2022\.12\.30-bbbbbbbbbbbb/);
    expect(await responseOf(B)).toEqual(before);
  });

  it('publishes the version on retry and clears publish_error, keeping the rest of its response', async () => {
    const before = (await responseOf(B))!;
    const run = await cli(['publish', 'lstm', B]);
    expect(run.code, run.err).toBe(0);
    const outcome = JSON.parse(run.out);
    expect(outcome).toEqual({
      kind: 'lstm',
      version: B,
      hf_repo: 'acme/mizan-lstm',
      hf_url: `${hub.url}/acme/mizan-lstm/tree/${B}`,
      cleared_publish_error: PUBLISH_ERROR,
      recorded: true,
    });
    expect(hub.listing('acme/mizan-lstm', B)?.map((f) => f.path)).toEqual(['.gitattributes', 'README.md', 'metadata.json', 'model.json', 'weights.bin']);
    expect(hub.listing('acme/mizan-lstm', 'main')?.map((f) => f.path)).toEqual(['.gitattributes']); // B was not promoted: main stays
    const { publish_error: _gone, ...kept } = before;
    const after = (await responseOf(B))!;
    expect(after).toEqual({ ...kept, hf_repo: 'acme/mizan-lstm', hf_url: outcome.hf_url });
    expect(Object.keys(after)).toEqual(Object.keys(kept)); // the response's fields stay in their order
    const html = await modelsPage();
    expect(html).not.toContain('class="unpublished');
    expect(html).toContain(`<a href="${outcome.hf_url}">acme/mizan-lstm</a>`);
  });

  it('is idempotent: a repeat uploads and records nothing', async () => {
    const commits = hub.commits.length;
    const run = await cli(['publish', 'lstm', B]);
    expect(run.code, run.err).toBe(0);
    expect(JSON.parse(run.out)).toMatchObject({ cleared_publish_error: null, recorded: false });
    expect(hub.commits).toHaveLength(commits);
  });

  it('publishes the current, promoted version to main too', async () => {
    const run = await cli(['publish', 'lstm', A]);
    expect(run.code, run.err).toBe(0);
    expect(hub.listing('acme/mizan-lstm', 'main')).toEqual(hub.listing('acme/mizan-lstm', A));
  });

  it('refuses a FAILED or unknown version and a missing token with exit 2, uploading nothing', async () => {
    const requests = hub.requests.length;
    const failed = await cli(['publish', 'lstm', F]);
    const unknown = await cli(['publish', 'lstm', 'v2099.01.01-000000000000']);
    const noToken = await cli(['publish', 'lstm', B], { MIZAN_HF_REPO: 'acme/mizan-{kind}', HF_ENDPOINT: hub.url });
    expect([failed.code, unknown.code, noToken.code]).toEqual([2, 2, 2]);
    expect(failed.err).toBe(`mizan publish: lstm ${F} is FAILED: only a SUCCEEDED version is published`);
    expect(unknown.err).toBe('mizan publish: lstm has no version v2099.01.01-000000000000');
    expect(noToken.err).toMatch(/MIZAN_HF_REPO is set but HF_TOKEN is not/);
    expect(hub.requests).toHaveLength(requests);
  });
});

describe('mizan publish against a deployment, with the token from the stack\'s secret', () => {
  let target: Target;
  let hub: FakeHub;
  const secrets = new SecretsManagerServer();

  beforeAll(async () => {
    target = await awsTarget();
    hub = await startFakeHub({ token: TOKEN });
    await secrets.start();
    secrets.secrets.set(SECRET_ARN, JSON.stringify({ token: TOKEN }));
    vi.stubEnv('AWS_ENDPOINT_URL_SECRETS_MANAGER', secrets.url);
    await seedVersions(target.deps);
  }, 120_000);
  afterAll(async () => {
    await secrets.close();
    await hub?.close();
    await target?.close();
  });

  it('reads MIZAN_HF_SECRET_ARN as the Publish function does, and clears publish_error', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const env = { MIZAN_HF_REPO: 'acme/mizan-{kind}', MIZAN_HF_SECRET_ARN: SECRET_ARN, HF_ENDPOINT: hub.url };
    const code = await main(['publish', 'lstm', B, ...target.flags], { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env });
    expect(code, err.join('\n')).toBe(0);
    expect(JSON.parse(out.join('\n'))).toMatchObject({ hf_repo: 'acme/mizan-lstm', cleared_publish_error: PUBLISH_ERROR, recorded: true });
    expect((await target.deps.registry.get('lstm', B))?.response).not.toHaveProperty('publish_error');
  });
});
