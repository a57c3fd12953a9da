import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { alphaVantageApiKey, alphaVantageCallsPerDay } from '../../src/adapters/alphavantage/alpha-vantage-key.ts';

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:mizan/alphavantage-AbCdEf';

describe('alphaVantageApiKey', () => {
  const sm = mockClient(SecretsManagerClient);
  afterEach(() => sm.reset());
  const client = () => new SecretsManagerClient({ region: 'us-east-1' });

  it('uses ALPHAVANTAGE_API_KEY locally, without reading the secret', async () => {
    // Act
    const key = await alphaVantageApiKey({ ALPHAVANTAGE_API_KEY: ' AV1234 \n', MIZAN_ALPHAVANTAGE_SECRET_ARN: ARN }, client())();

    // Assess
    expect(key).toBe('AV1234');
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  it('reads the key once from the secret on AWS, plain or as JSON', async () => {
    // Prepare
    sm.on(GetSecretValueCommand, { SecretId: ARN }).resolves({ SecretString: 'AVPLAIN\n' });
    sm.on(GetSecretValueCommand, { SecretId: 'json' }).resolves({ SecretString: '{"apiKey":"AVJSON"}' });
    const plain = alphaVantageApiKey({ MIZAN_ALPHAVANTAGE_SECRET_ARN: ARN }, client());

    // Act
    const keys = [await plain(), await plain(), await alphaVantageApiKey({ MIZAN_ALPHAVANTAGE_SECRET_ARN: 'json' }, client())()];

    // Assess
    expect(keys).toEqual(['AVPLAIN', 'AVPLAIN', 'AVJSON']);
    expect(sm.commandCalls(GetSecretValueCommand, { SecretId: ARN })).toHaveLength(1);
  });

  it('names the secret when it holds no usable key, and retries the read next time', async () => {
    // Prepare
    sm.on(GetSecretValueCommand).resolvesOnce({ SecretString: '{"token":"x"}' }).resolves({ SecretString: 'AVLATER' });
    const key = alphaVantageApiKey({ MIZAN_ALPHAVANTAGE_SECRET_ARN: ARN }, client());

    // Act / Assess
    await expect(key()).rejects.toThrow(`secret ${ARN} is JSON without an "apiKey" string`);
    expect(await key()).toBe('AVLATER');
  });

  it('names both environment variables when neither is set', async () => {
    await expect(alphaVantageApiKey({ ALPHAVANTAGE_API_KEY: '  ' })()).rejects.toThrow(
      'no Alpha Vantage API key: set ALPHAVANTAGE_API_KEY (or MIZAN_ALPHAVANTAGE_SECRET_ARN on AWS)',
    );
  });
});

describe('alphaVantageCallsPerDay', () => {
  it('is the free tier unless a premium key raises it', () => {
    expect(alphaVantageCallsPerDay({})).toBeUndefined();
    expect(alphaVantageCallsPerDay({ MIZAN_ALPHAVANTAGE_CALLS_PER_DAY: '1200' })).toBe(1200);
    expect(alphaVantageCallsPerDay({ MIZAN_ALPHAVANTAGE_CALLS_PER_DAY: 'unlimited' })).toBe(Infinity);
    expect(() => alphaVantageCallsPerDay({ MIZAN_ALPHAVANTAGE_CALLS_PER_DAY: 'lots' })).toThrow('MIZAN_ALPHAVANTAGE_CALLS_PER_DAY=lots');
  });
});
