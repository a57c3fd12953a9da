import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { HuggingFaceModels } from '../../src/adapters/hf/hugging-face-models.ts';
import { HuggingFacePublisher, repoFor } from '../../src/adapters/hf/hugging-face-publisher.ts';
import { publisherFromEnv } from '../../src/adapters/hf/hub-env.ts';
import { secretsManagerToken } from '../../src/adapters/hf/secrets-manager-token.ts';
import { startFakeHub, type FakeHub } from '../support/fake-hugging-face-hub.ts';

const TOKEN = 'hf_test_token';
const VERSION = 'v2026.08.14-abc';
const files = (): Record<string, Uint8Array> => ({
  'model.json': new TextEncoder().encode('{"format":"layers-model"}'),
  'weights.bin': Uint8Array.from({ length: 4096 }, (_, i) => (i * 7) % 256),
  'metadata.json': new TextEncoder().encode(`{"version":"${VERSION}"}`),
  'README.md': new TextEncoder().encode('# card'),
});
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('HuggingFacePublisher against a local Hub', () => {
  let hub: FakeHub | undefined;
  afterEach(async () => {
    await hub?.close();
    hub = undefined;
  });

  const publisherFor = (h: FakeHub, options: { token?: string; timeoutMs?: number } = {}) =>
    new HuggingFacePublisher({ repo: 'acme/mizan-{kind}', token: async () => options.token ?? TOKEN, hubUrl: h.url, timeoutMs: options.timeoutMs, tokenSource: 'HF_TOKEN' });

  it('creates the private repo and the version branch on first publish, in one commit, weights through LFS; the URL is the branch', async () => {
    // Prepare
    hub = await startFakeHub({ token: TOKEN });

    // Act
    const result = await publisherFor(hub).publishBranch({ kind: 'ppo_lstm', branch: VERSION, files: files(), title: `mizan ppo_lstm ${VERSION}` });

    // Assess
    expect(result).toEqual({ hf_repo: 'acme/mizan-ppo-lstm', hf_url: `${hub.url}/acme/mizan-ppo-lstm/tree/${VERSION}`, changed: true });
    expect(hub.repos.get('acme/mizan-ppo-lstm')?.private).toBe(true);
    expect(hub.commits.map((c) => [c.branch, c.title])).toEqual([[VERSION, `mizan ppo_lstm ${VERSION}`]]);
    const listing = hub.listing('acme/mizan-ppo-lstm', VERSION)!;
    expect(listing.map((f) => f.path)).toEqual(['.gitattributes', 'README.md', 'metadata.json', 'model.json', 'weights.bin']);
    for (const [name, bytes] of Object.entries(files())) expect(listing.find((f) => f.path === name)?.sha256, name).toBe(sha256(bytes));
    expect(listing.filter((f) => f.lfs).map((f) => f.path)).toEqual(['weights.bin']);
    expect(hub.requests.filter((r) => r.method === 'PUT')).toHaveLength(1); // weights.bin, once
    expect(hub.listing('acme/mizan-ppo-lstm', 'main')!.map((f) => f.path)).toEqual(['.gitattributes']); // main untouched
  });

  it('is a no-op answering the same URL when the branch already holds the same files', async () => {
    // Prepare
    hub = await startFakeHub({ token: TOKEN, repos: ['acme/mizan-lstm'] });
    const publisher = publisherFor(hub);
    const first = await publisher.publishBranch({ kind: 'lstm', branch: VERSION, files: files(), title: 't' });
    const before = hub.requests.length;

    // Act
    const again = await publisher.publishBranch({ kind: 'lstm', branch: VERSION, files: files(), title: 't' });

    // Assess: one tree listing, nothing written
    expect(again).toEqual({ ...first, changed: false });
    expect(hub.commits).toHaveLength(1);
    expect(hub.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([`GET /api/models/acme/mizan-lstm/tree/${VERSION}`]);
  });

  it('moves main to a new model in one commit: changed files replaced, files it no longer has deleted, .gitattributes kept', async () => {
    // Prepare
    hub = await startFakeHub({ token: TOKEN, repos: ['acme/mizan-lstm'] });
    const publisher = publisherFor(hub);
    await publisher.publishBranch({ kind: 'lstm', branch: 'main', files: { ...files(), 'old-only.json': new Uint8Array([1]) }, title: 'v1' });
    const next = { ...files(), 'metadata.json': new TextEncoder().encode('{"version":"v2"}') };

    // Act
    const result = await publisher.publishBranch({ kind: 'lstm', branch: 'main', files: next, title: 'v2' });

    // Assess
    expect(result.hf_url).toBe(`${hub.url}/acme/mizan-lstm/tree/main`);
    const last = hub.commits.at(-1)!;
    expect(Object.keys(last.files)).toEqual(['metadata.json']);
    expect(last.deleted).toEqual(['old-only.json']);
    expect(hub.listing('acme/mizan-lstm', 'main')!.map((f) => f.path)).toEqual(['.gitattributes', 'README.md', 'metadata.json', 'model.json', 'weights.bin']);
  });

  it('gives a branch created from main only its own files', async () => {
    // Prepare
    hub = await startFakeHub({ token: TOKEN, repos: ['acme/mizan-lstm'] });
    const publisher = publisherFor(hub);
    await publisher.publishBranch({ kind: 'lstm', branch: 'main', files: { 'other.json': new Uint8Array([1]) }, title: 'older model' });

    // Act
    await publisher.publishBranch({ kind: 'lstm', branch: VERSION, files: files(), title: 'new version' });

    // Assess
    expect(hub.listing('acme/mizan-lstm', VERSION)!.map((f) => f.path)).not.toContain('other.json');
  });

  it('reads a branch back: its file list and each file, large ones too', async () => {
    // Prepare
    hub = await startFakeHub({ token: TOKEN });
    await publisherFor(hub).publishBranch({ kind: 'lstm', branch: VERSION, files: files(), title: 't' });
    const models = new HuggingFaceModels({ token: TOKEN, hubUrl: hub.url });

    // Act
    const listed = await models.listBranch('acme/mizan-lstm', VERSION);
    const weights = await models.download('acme/mizan-lstm', VERSION, 'weights.bin');
    const missingFile = await models.download('acme/mizan-lstm', VERSION, 'nope.json');
    const missingBranch = await models.listBranch('acme/mizan-lstm', 'v-none');
    const missingRepo = await models.listBranch('acme/none', VERSION);

    // Assess
    expect(listed).toEqual(['.gitattributes', 'README.md', 'metadata.json', 'model.json', 'weights.bin']);
    expect(weights).toEqual(files()['weights.bin']);
    expect([missingFile, missingBranch, missingRepo]).toEqual([undefined, undefined, undefined]);
  });

  describe('fails with a clear error, committing nothing', () => {
    it('401: a wrong token', async () => {
      hub = await startFakeHub({ token: TOKEN, repos: ['acme/mizan-lstm'] });
      const attempt = publisherFor(hub, { token: 'hf_wrong' }).publishBranch({ kind: 'lstm', branch: VERSION, files: files(), title: 't' });
      await expect(attempt).rejects.toThrow(
        /^Hugging Face rejected the token \(401 Unauthorized\) while listing acme\/mizan-lstm branch v2026\.08\.14-abc: Invalid credentials in Authorization header\. Set a valid token in HF_TOKEN$/,
      );
      expect(hub.commits).toHaveLength(0);
    });

    it('403: a token that may only read', async () => {
      hub = await startFakeHub({ token: TOKEN, readOnlyTokens: ['hf_read'], repos: ['acme/mizan-lstm'] });
      const attempt = publisherFor(hub, { token: 'hf_read' }).publishBranch({ kind: 'lstm', branch: VERSION, files: files(), title: 't' });
      await expect(attempt).rejects.toMatchObject({
        name: 'HuggingFaceError',
        status: 403,
        message: expect.stringMatching(/^the Hugging Face token may not do this \(403 Forbidden\) while creating acme\/mizan-lstm branch v2026\.08\.14-abc: .*write access/),
      });
      expect(hub.commits).toHaveLength(0);
    });

    it('5xx: the Hub failing the commit', async () => {
      hub = await startFakeHub({ token: TOKEN, repos: ['acme/mizan-lstm'] });
      hub.fail({ status: 503, error: 'Service Unavailable' }, /^POST \/api\/models\/.*\/commit\//);
      const attempt = publisherFor(hub).publishBranch({ kind: 'lstm', branch: VERSION, files: files(), title: 't' });
      await expect(attempt).rejects.toThrow(/^Hugging Face Hub failed \(503\) while committing 4 file change\(s\) to acme\/mizan-lstm branch v2026\.08\.14-abc: Service Unavailable; .*retried$/);
      expect(hub.commits).toHaveLength(0);
    });

    it('a timeout: the Hub never answering', async () => {
      hub = await startFakeHub({ token: TOKEN, repos: ['acme/mizan-lstm'] });
      hub.fail('hang', /^POST \/api\/models\/.*\/preupload\//);
      const attempt = publisherFor(hub, { timeoutMs: 300 }).publishBranch({ kind: 'lstm', branch: VERSION, files: files(), title: 't' });
      await expect(attempt).rejects.toThrow(
        /^Hugging Face Hub did not answer while committing 4 file change\(s\) to acme\/mizan-lstm branch v2026\.08\.14-abc: no answer within 0\.3 s \(POST 127\.0\.0\.1:\d+\/api\/models\/acme\/mizan-lstm\/preupload\/v2026\.08\.14-abc\)/,
      );
      expect(hub.commits).toHaveLength(0);
    });
  });

  it('names an unreachable Hub, and a token the client refuses to send', async () => {
    // Prepare: a Hub that was there and is gone
    const gone = await startFakeHub({ token: TOKEN });
    await gone.close();

    // Act
    const unreachable = await publisherFor(gone).publishBranch({ kind: 'lstm', branch: VERSION, files: files(), title: 't' }).catch((e: Error) => e);
    const badToken = await publisherFor(gone, { token: 'not-a-token' }).publishBranch({ kind: 'lstm', branch: VERSION, files: files(), title: 't' }).catch((e: Error) => e);

    // Assess
    expect((unreachable as Error).message).toMatch(/^could not reach the Hugging Face Hub while listing acme\/mizan-lstm branch v2026\.08\.14-abc: ECONNREFUSED$/);
    expect((badToken as Error).message).toMatch(/^Hugging Face call failed while listing acme\/mizan-lstm branch v2026\.08\.14-abc: .*hf_/);
  });

  it('rejects an unsafe file path or a bad repo name before any request', async () => {
    // Prepare
    hub = await startFakeHub({ token: TOKEN, repos: ['acme/mizan-lstm'] });
    const publisher = publisherFor(hub);

    // Act
    const attempt = publisher.publishBranch({ kind: 'lstm', branch: 'v1', files: { '../escape.json': new Uint8Array(1) }, title: 't' });
    const badBranch = publisher.publishBranch({ kind: 'lstm', branch: '../main', files: files(), title: 't' });

    // Assess
    await expect(attempt).rejects.toThrow(/unsafe path/);
    await expect(badBranch).rejects.toThrow(/not a simple branch name/);
    expect(hub.requests).toHaveLength(0);
    expect(() => repoFor('no-slash', 'lstm')).toThrow(/expected org\/name/);
    expect(() => new HuggingFacePublisher({ repo: 'a/b/c', token: async () => TOKEN })).toThrow(/invalid Hugging Face repo/);
  });
});

describe('publisherFromEnv (off AWS)', () => {
  it('publishes nothing without MIZAN_HF_REPO, and needs HF_TOKEN with it', () => {
    expect(publisherFromEnv({}).enabled).toBe(false);
    expect(() => publisherFromEnv({ MIZAN_HF_REPO: 'acme/mizan-{kind}' })).toThrow(/MIZAN_HF_REPO is set but HF_TOKEN is not/);
    const publisher = publisherFromEnv({ MIZAN_HF_REPO: 'acme/mizan-{kind}', HF_TOKEN: 'hf_x', HF_ENDPOINT: 'http://127.0.0.1:9' });
    expect(publisher.locate('ppo_lstm', 'v1')).toEqual({ hf_repo: 'acme/mizan-ppo-lstm', hf_url: 'http://127.0.0.1:9/acme/mizan-ppo-lstm/tree/v1' });
  });
});

describe('secretsManagerToken', () => {
  const sm = mockClient(SecretsManagerClient);
  afterEach(() => sm.reset());

  it('reads the token once, from a plain or a JSON secret', async () => {
    // Prepare
    sm.on(GetSecretValueCommand, { SecretId: 'plain' }).resolves({ SecretString: 'hf_plain\n' });
    sm.on(GetSecretValueCommand, { SecretId: 'json' }).resolves({ SecretString: '{"token":"hf_json"}' });
    const client = new SecretsManagerClient({ region: 'us-east-1' });
    const plain = secretsManagerToken(client, 'plain');

    // Act
    const tokens = [await plain(), await plain(), await secretsManagerToken(client, 'json')()];

    // Assess
    expect(tokens).toEqual(['hf_plain', 'hf_plain', 'hf_json']);
    expect(sm.commandCalls(GetSecretValueCommand, { SecretId: 'plain' })).toHaveLength(1);
  });

  it('names the secret when it holds no usable token', async () => {
    // Prepare
    sm.on(GetSecretValueCommand).resolves({ SecretString: '{"other":1}' });

    // Act
    const attempt = secretsManagerToken(new SecretsManagerClient({ region: 'us-east-1' }), 'mizan/hf-token')();

    // Assess
    await expect(attempt).rejects.toThrow(/mizan\/hf-token is JSON without a "token" string/);
  });
});
