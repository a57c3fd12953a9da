/**
 * The Alpha Vantage API key: ALPHAVANTAGE_API_KEY locally; on AWS the Secrets Manager secret named
 * by MIZAN_ALPHAVANTAGE_SECRET_ARN (holding the key itself or `{"apiKey": "..."}`), read on first
 * use and kept for the life of the process. The plain variable wins when both are set. Without
 * either, the reader rejects only when a call is needed: cached symbols still work.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AlphaVantageError } from './alpha-vantage-error.ts';

export const ALPHAVANTAGE_ENV = {
  apiKey: 'ALPHAVANTAGE_API_KEY',
  secretArn: 'MIZAN_ALPHAVANTAGE_SECRET_ARN',
  /** Calls per UTC day: 25 (free tier) unless set; a premium key sets it higher or to `unlimited`. */
  callsPerDay: 'MIZAN_ALPHAVANTAGE_CALLS_PER_DAY',
} as const;

export function missingKeyError(): AlphaVantageError {
  return new AlphaVantageError(
    'missing-key',
    `no Alpha Vantage API key: set ${ALPHAVANTAGE_ENV.apiKey} (or ${ALPHAVANTAGE_ENV.secretArn} on AWS); ` +
      'a free key is at https://www.alphavantage.co/support/#api-key',
  );
}

export function alphaVantageApiKey(env: NodeJS.ProcessEnv, secretsManager?: SecretsManagerClient): () => Promise<string> {
  const plain = env[ALPHAVANTAGE_ENV.apiKey]?.trim();
  if (plain) return async () => plain;
  const secretId = env[ALPHAVANTAGE_ENV.secretArn]?.trim();
  if (!secretId) return async () => Promise.reject(missingKeyError());
  let cached: Promise<string> | undefined;
  return () => {
    cached ??= readSecret(secretsManager ?? new SecretsManagerClient({}), secretId).catch((error: unknown) => {
      cached = undefined; // a throttled or failed read is retried on the next call
      throw error;
    });
    return cached;
  };
}

/** MIZAN_ALPHAVANTAGE_CALLS_PER_DAY as a number (`unlimited` → Infinity), or undefined for the free tier's 25. */
export function alphaVantageCallsPerDay(env: NodeJS.ProcessEnv): number | undefined {
  const text = env[ALPHAVANTAGE_ENV.callsPerDay]?.trim();
  if (!text) return undefined;
  if (text === 'unlimited') return Infinity;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${ALPHAVANTAGE_ENV.callsPerDay}=${text}: expected a whole number of calls or "unlimited"`);
  return value;
}

async function readSecret(client: SecretsManagerClient, secretId: string): Promise<string> {
  const result = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  const text = result.SecretString?.trim();
  if (!text) throw new AlphaVantageError('missing-key', `secret ${secretId} has no string value: put the Alpha Vantage API key in it`);
  let key = text;
  if (text.startsWith('{')) {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    const value = parsed.apiKey ?? parsed[ALPHAVANTAGE_ENV.apiKey];
    if (typeof value !== 'string') throw new AlphaVantageError('missing-key', `secret ${secretId} is JSON without an "apiKey" string`);
    key = value.trim();
  }
  if (key === '' || /\s/.test(key)) throw new AlphaVantageError('missing-key', `secret ${secretId} does not hold a usable API key`);
  return key;
}
