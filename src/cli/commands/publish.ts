import { HF_ENV, HubConfigError, publisherFromEnv } from '../../adapters/hf/hub-env.ts';
import type { ModelKind } from '../../config/model-kinds.ts';
import { MODEL_KINDS } from '../../models/kinds.ts';
import { publishVersion } from '../../pipeline/publish-version.ts';
import type { Publisher } from '../../ports/publisher.ts';
import { AWS_ENV } from '../../runtime/aws-env.ts';
import { oneOf, parseFlags } from '../args.ts';
import { CliUsageError, EXIT } from '../cli-error.ts';
import { openRegistry } from '../open-registry.ts';
import { registryTarget, TARGET_FLAGS, type RegistryTarget, type TargetFlags } from '../registry-target.ts';
import { PUBLISH_USAGE } from '../usage.ts';
import type { Io } from './common.ts';

/**
 * `mizan publish KIND VERSION`: (re)publishes a SUCCEEDED version to Hugging Face, e.g. after its run's
 * upload failed, and clears `publish_error` from its stored response. On AWS it runs here, against the
 * bucket and table: an upload of weights can outlast API Gateway's 30 s, and the API's Lambda then
 * needs no access to the token.
 */
export async function publishCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags('publish', argv, TARGET_FLAGS);
  if (positionals.length !== 2) throw new CliUsageError(`usage: ${PUBLISH_USAGE}`);
  const kind = oneOf<ModelKind>('model kind', positionals[0], MODEL_KINDS);
  const target = registryTarget(values as TargetFlags, io.env);
  const publisher = await publisherFor(target, io.env);
  const opened = await openRegistry(target);
  try {
    const outcome = await publishVersion({ kind, version: positionals[1] as string }, { ...opened, publisher });
    io.stderr(`${kind} ${outcome.version}: published to ${outcome.hf_url}${outcome.cleared_publish_error ? ' (the failed upload is cleared from its record)' : ''}`);
    io.stdout(JSON.stringify(outcome, null, 2));
    return EXIT.ok;
  } finally {
    opened.close();
  }
}

/** HF_TOKEN wherever it runs; against a deployment, else the stack's token secret (MIZAN_HF_SECRET_ARN), as its Publish function reads it. */
async function publisherFor(target: RegistryTarget, env: NodeJS.ProcessEnv): Promise<Publisher> {
  const repo = env[HF_ENV.repo]?.trim();
  const secretArn = env[AWS_ENV.hfSecretArn]?.trim();
  if (target.from === 'aws' && repo && secretArn && !env[HF_ENV.token]?.trim()) {
    const [{ SecretsManagerClient }, { secretsManagerToken }, { HuggingFacePublisher }] = await Promise.all([
      import('@aws-sdk/client-secrets-manager'),
      import('../../adapters/hf/secrets-manager-token.ts'),
      import('../../adapters/hf/hugging-face-publisher.ts'),
    ]);
    const client = new SecretsManagerClient(target.region === undefined ? {} : { region: target.region });
    return new HuggingFacePublisher({ repo, token: secretsManagerToken(client, secretArn), hubUrl: env[HF_ENV.endpoint]?.trim() || undefined, tokenSource: secretArn });
  }
  try {
    return publisherFromEnv(env);
  } catch (error) {
    if (error instanceof HubConfigError) throw new CliUsageError(error.message);
    throw error;
  }
}
