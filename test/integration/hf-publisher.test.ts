import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { HuggingFacePublisher, repoFor } from '../../src/adapters/hf/hugging-face-publisher.ts';
import { secretsManagerToken } from '../../src/adapters/hf/secrets-manager-token.ts';
import { startFakeHub, type FakeHub } from '../support/fake-hugging-face-hub.ts';

const TOKEN = 'hf_test_token';
const files = (): Record<string, Uint8Array> => ({
  'model.json': new TextEncoder().encode('{"format":"layers-model"}'),
  'weights.bin': Uint8Array.from({ length: 4096 }, (_, i) => (i * 7) % 256),
  'metadata.json': new TextEncoder().encode('{"version":"v2026.08.14-abc"}'),
});

describe('HuggingFacePublisher against a local Hub', () => {
  let hub: FakeHub | undefined;
  afterEach(async () => {
    await hub?.close();
    hub = undefined;
  });

  it('commits every file of a version in one commit, large files through LFS, and links the commit', async () => {
    // Prepare
    hub = await startFakeHub({ token: TOKEN, repos: ['acme/mizan-lstm'] });
    const publisher = new HuggingFacePublisher({ repo: 'acme/mizan-{kind}', token: async () => TOKEN, hubUrl: hub.url });

    // Act
    const result = await publisher.publish({ kind: 'lstm', version: 'v2026.08.14-abc', files: files() });

    // Assess
    expect(hub.commits).toHaveLength(1);
    const commit = hub.commits[0]!;
    expect(result).toEqual({ hf_repo: 'acme/mizan-lstm', hf_url: `${hub.url}/acme/mizan-lstm/tree/${commit.oid}` });
    expect(commit.title).toBe('mizan lstm v2026.08.14-abc');
    expect(Object.keys(commit.files).sort()).toEqual(['README.md', 'metadata.json', 'model.json', 'weights.bin']);
    for (const [name, bytes] of Object.entries(files())) expect(new Uint8Array(commit.files[name]!)).toEqual(bytes);
    expect(hub.requests.filter((r) => r.method === 'PUT').map((r) => r.path)).toHaveLength(1); // weights.bin via LFS
  });

  it('creates a missing repo as private on the first publish of a kind', async () => {
    // Prepare
    hub = await startFakeHub({ token: TOKEN });
    const publisher = new HuggingFacePublisher({ repo: 'acme/mizan-{kind}', token: async () => TOKEN, hubUrl: hub.url });

    // Act
    const result = await publisher.publish({ kind: 'ppo_lstm', version: 'v2026.08.14-def', files: files() });

    // Assess
    expect(result.hf_repo).toBe('acme/mizan-ppo-lstm');
    expect(hub.repos.get('acme/mizan-ppo-lstm')?.private).toBe(true);
    expect(Object.keys(hub.repos.get('acme/mizan-ppo-lstm')!.files)).toContain('weights.bin');
  });

  it('fails clearly with a wrong token and commits nothing', async () => {
    // Prepare
    hub = await startFakeHub({ token: TOKEN, repos: ['acme/mizan-lstm'] });
    const publisher = new HuggingFacePublisher({ repo: 'acme/mizan-lstm', token: async () => 'hf_wrong', hubUrl: hub.url });

    // Act
    const attempt = publisher.publish({ kind: 'lstm', version: 'v2026.08.14-abc', files: files() });

    // Assess
    await expect(attempt).rejects.toThrow(/Invalid credentials/);
    expect(hub.commits).toHaveLength(0);
  });

  it('rejects an unsafe file path or a bad repo name before any request', async () => {
    // Prepare
    hub = await startFakeHub({ token: TOKEN, repos: ['acme/mizan-lstm'] });
    const publisher = new HuggingFacePublisher({ repo: 'acme/mizan-lstm', token: async () => TOKEN, hubUrl: hub.url });

    // Act
    const attempt = publisher.publish({ kind: 'lstm', version: 'v1', files: { '../escape.json': new Uint8Array(1) } });

    // Assess
    await expect(attempt).rejects.toThrow(/unsafe path/);
    expect(hub.requests).toHaveLength(0);
    expect(() => repoFor('no-slash', 'lstm')).toThrow(/expected org\/name/);
    expect(() => new HuggingFacePublisher({ repo: 'a/b/c', token: async () => TOKEN })).toThrow(/invalid Hugging Face repo/);
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
