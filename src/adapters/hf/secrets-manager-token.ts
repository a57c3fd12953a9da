/**
 * The Hugging Face token from AWS Secrets Manager, read on first use and kept for the life of the
 * process (a Lambda container). The secret holds the token itself or `{"token": "hf_..."}`.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export function secretsManagerToken(client: SecretsManagerClient, secretId: string): () => Promise<string> {
  let cached: Promise<string> | undefined;
  return () => {
    cached ??= read(client, secretId).catch((error: unknown) => {
      cached = undefined; // a throttled or failed read is retried on the next publish
      throw error;
    });
    return cached;
  };
}

async function read(client: SecretsManagerClient, secretId: string): Promise<string> {
  const result = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  const text = result.SecretString?.trim();
  if (!text) throw new Error(`secret ${secretId} has no string value: put the Hugging Face token in it`);
  let token = text;
  if (text.startsWith('{')) {
    const parsed = JSON.parse(text) as { token?: unknown };
    if (typeof parsed.token !== 'string') throw new Error(`secret ${secretId} is JSON without a "token" string`);
    token = parsed.token.trim();
  }
  if (token === '' || /\s/.test(token)) throw new Error(`secret ${secretId} does not hold a usable token`);
  return token;
}
