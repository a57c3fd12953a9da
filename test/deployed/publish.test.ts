/**
 * The deployed tier, part 5: the stack synthesized with Hugging Face publishing (`-c hfRepo=…`): the
 * Publish bundle reads the token from the stack's secret and uploads the version to its branch (and
 * `main`, promoted) on a local Hub; its role's calls are checked like every other role's.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFakeHub, type FakeHub } from '../support/fake-hugging-face-hub.ts';
import { DeployedSystem } from './support/deployed-system.ts';
import { checkCalls, summarise } from './support/iam-check.ts';
import { resourcesOfType } from './support/synthesized-stack.ts';

const TOKEN = 'hf_deployed_tier';
let hub: FakeHub;
let system: DeployedSystem;

beforeAll(async () => {
  hub = await startFakeHub({ token: TOKEN });
  system = await DeployedSystem.start({ context: { profile: 'smoke', hfRepo: 'acme/mizan-{kind}' }, functionEnv: { HF_ENDPOINT: hub.url } });
  // The operator's step after deploying: put the token in the secret the stack created.
  const [[secretId]] = resourcesOfType(system.stack.template, 'AWS::SecretsManager::Secret');
  system.secretsManager.secrets.set(system.resolver.ref(secretId!), TOKEN);
}, 240_000);
afterAll(async () => {
  await system?.close();
  await hub?.close();
});

it('publishes a trained version to its branch and, promoted, to main, with the token from the stack\'s secret', async () => {
  // Act
  const started = await system.gateway.request('POST', '/train/lstm', { body: '{"skip_snapshot":true}' });
  expect(started.statusCode, started.body).toBe(202);
  const { execution_id: executionId, version } = started.json<{ execution_id: string; version: string }>();
  const execution = await system.settled(executionId);

  // Assess
  expect(execution.status, execution.cause).toBe('SUCCEEDED');
  const response = JSON.parse(execution.output!) as { hf_repo: string; hf_url: string; promoted: boolean; publish_error?: unknown };
  expect(response).toMatchObject({ hf_repo: 'acme/mizan-lstm', promoted: true });
  expect(response.publish_error).toBeUndefined();
  expect(response.hf_url).toBe(`${hub.url}/acme/mizan-lstm/tree/${version}`);
  for (const branch of [version, 'main']) {
    expect(hub.listing('acme/mizan-lstm', branch)?.map((file) => file.path)).toEqual(expect.arrayContaining(['model.json', 'weights.bin', 'metadata.json', 'README.md']));
  }
  const calls = system.calls();
  const publishRole = system.function('Publish').roleId;
  expect(calls.filter((call) => call.principal === publishRole).map((call) => call.action)).toContain('secretsmanager:GetSecretValue');
  const summary = summarise(await checkCalls(system.stack.template, system.resolver, calls));
  console.log(summary.text);
  expect(summary.denied, summary.text).toEqual([]);
});
