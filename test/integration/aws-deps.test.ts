import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getText } from '../../src/ports/artifact-store.ts';
import { awsDeps } from '../../src/runtime/aws-deps.ts';
import { depsFromEnv } from '../../src/runtime/deps-from-env.ts';
import { startDynalite, type LocalDynamo } from '../support/dynalite.ts';
import { startS3rver, type LocalS3 } from '../support/s3rver.ts';

const STATE_MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:TrainModel';

describe('AWS runtime wiring from the environment', () => {
  let s3: LocalS3;
  let dynamo: LocalDynamo;
  beforeAll(async () => {
    [s3, dynamo] = await Promise.all([startS3rver(), startDynalite()]);
    await Promise.all([s3.createBucket('mizan-artifacts'), dynamo.createRegistryTable('mizan-registry')]);
  });
  afterAll(async () => {
    await Promise.all([s3?.stop(), dynamo?.stop()]);
  });

  it('builds S3, DynamoDB and Step Functions adapters from the variables the stack sets', async () => {
    // Prepare
    const sfn = mockClient(SFNClient);
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${STATE_MACHINE.replace('stateMachine', 'execution')}:v2026.08.14-abc123` });
    const env = { MIZAN_BUCKET: 'mizan-artifacts', MIZAN_TABLE: 'mizan-registry', MIZAN_STATE_MACHINE_ARN: STATE_MACHINE };

    // Act
    const deps = await depsFromEnv(env, { s3: s3.client(), dynamodb: dynamo.client(), sfn: new SFNClient({ region: 'us-east-1' }) });
    await deps.store.put('models/lstm/v2026.08.14-abc123/metadata.json', '{"ok":true}');
    const claim = await deps.registry.claim('lstm', 'v2026.08.14-abc123', 'v2026.08.14-abc123');
    const started = deps.runtime === 'aws' ? await deps.workflow.start('v2026.08.14-abc123', { plan: {} }) : undefined;

    // Assess
    expect(deps.runtime).toBe('aws');
    expect(deps.store.location).toBe('s3://mizan-artifacts');
    expect(await getText(deps.store, 'models/lstm/v2026.08.14-abc123/metadata.json')).toBe('{"ok":true}');
    expect(claim.claimed).toBe(true);
    expect(started?.executionId).toBe('v2026.08.14-abc123');
    expect(sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input).toMatchObject({ stateMachineArn: STATE_MACHINE, name: 'v2026.08.14-abc123' });
    expect(deps.marketData.source).toBe('sample');
    expect(deps.publisher.enabled).toBe(false);
    sfn.restore();
  });

  it('enables Hugging Face publishing only with both the repo and the token secret', async () => {
    // Prepare
    const base = { MIZAN_BUCKET: 'mizan-artifacts', MIZAN_TABLE: 'mizan-registry' };
    const secret = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:mizan/hf-token-AbCdEf';

    // Act
    const withHf = await awsDeps({ ...base, MIZAN_HF_REPO: 'acme/mizan-{kind}', MIZAN_HF_SECRET_ARN: secret }, { s3: s3.client(), dynamodb: dynamo.client() });
    const halfSet = awsDeps({ ...base, MIZAN_HF_REPO: 'acme/mizan-{kind}' });

    // Assess
    expect(withHf.publisher.enabled).toBe(true);
    await expect(halfSet).rejects.toThrow(/MIZAN_HF_REPO and MIZAN_HF_SECRET_ARN go together/);
  });

  it('names the missing variable instead of failing later', async () => {
    // Prepare
    const deps = await awsDeps({ MIZAN_BUCKET: 'mizan-artifacts', MIZAN_TABLE: 'mizan-registry' }, { s3: s3.client(), dynamodb: dynamo.client() });

    // Act
    const noTable = awsDeps({ MIZAN_BUCKET: 'mizan-artifacts' });
    const start = deps.workflow.start('v1', {});

    // Assess
    await expect(noTable).rejects.toThrow(/MIZAN_TABLE is not set/);
    await expect(start).rejects.toThrow(/MIZAN_STATE_MACHINE_ARN is not set/);
    await expect(awsDeps({ MIZAN_BUCKET: 'b', MIZAN_TABLE: 't', MIZAN_DATA_SOURCE: 'csv' })).rejects.toThrow(/expected sample or yahoo/);
  });

  it('runs on one machine when MIZAN_BUCKET is not set', async () => {
    // Prepare
    const dataDir = await mkdtemp(join(tmpdir(), 'mizan-deps-'));

    // Act
    const deps = await depsFromEnv({ MIZAN_DATA_DIR: dataDir });

    // Assess
    expect(deps.runtime).toBe('local');
    expect(deps.store.location).toContain(dataDir);
    expect(deps.publisher.enabled).toBe(false);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('stays on one machine when MIZAN_DATA_DIR is set, even with MIZAN_BUCKET in the environment', async () => {
    // Prepare: a local trainer spawned from a shell that happens to export MIZAN_BUCKET.
    const dataDir = await mkdtemp(join(tmpdir(), 'mizan-deps-'));

    // Act
    const deps = await depsFromEnv({ MIZAN_DATA_DIR: dataDir, MIZAN_BUCKET: 'b', MIZAN_TABLE: 't' });

    // Assess: artifacts go where the local registry and server read them.
    expect(deps.runtime).toBe('local');
    expect(deps.store.location).toContain(dataDir);
    await rm(dataDir, { recursive: true, force: true });
  });
});
