import { describe, expect, it } from 'vitest';
import { DEFAULTS, loadConfig } from '../../infra/config/config.ts';
import { AGENT_KINDS, FORECASTER_KINDS } from '../../src/models/kinds.ts';

const from = (context: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) => loadConfig((key) => context[key], env);

describe('deploy configuration (CDK context)', () => {
  it('defaults to spot GPUs, weekly schedules on, the full profile and the bundled sample', () => {
    // Act
    const config = from({}, { CDK_DEFAULT_REGION: 'eu-west-1' });

    // Assess
    expect(config).toMatchObject({
      region: 'eu-west-1',
      account: undefined,
      gpuInstanceTypes: ['g5.xlarge', 'g4dn.xlarge'],
      gpuSpot: true,
      schedules: true,
      forecasterSchedule: DEFAULTS.forecasterSchedule,
      // Every registered kind of each sort (the seed's: lstm, patchtst; ppo_ and sac_ on each).
      forecasterKinds: [...FORECASTER_KINDS],
      finetuneKinds: [...AGENT_KINDS],
      profile: 'full',
      dataSource: 'sample',
      hfRepo: undefined,
    });
  });

  it('reads -c strings and cdk.json values alike', () => {
    // Act
    const config = from({
      schedules: 'off',
      gpuInstanceTypes: 'g4dn.xlarge',
      gpuMaxVcpus: '32',
      finetuneKinds: ['ppo_lstm'],
      forecasterSchedule: 'cron(0 3 ? * MON *)',
      hfRepo: 'acme/mizan-{kind}',
      region: 'us-west-2',
    });

    // Assess
    expect(config).toMatchObject({
      schedules: false,
      gpuInstanceTypes: ['g4dn.xlarge'],
      gpuMaxVcpus: 32,
      finetuneKinds: ['ppo_lstm'],
      forecasterSchedule: 'cron(0 3 ? * MON *)',
      hfRepo: 'acme/mizan-{kind}',
      region: 'us-west-2',
    });
  });

  it.each([
    [{ schedules: 'maybe' }, /schedules=maybe: expected on or off/],
    [{ gpuInstanceTypes: 'm5.large' }, /m5.large is not a g4dn\/g5\/g6 GPU instance type/],
    [{ gpuInstanceTypes: 'p3.2xlarge' }, /p3.2xlarge is not a g4dn\/g5\/g6 GPU instance type/], // the AL2023 GPU AMI has no p3 support
    [{ gpuMaxVcpus: '2' }, /gpuMaxVcpus=2: expected an integer from 4/],
    [{ forecasterSchedule: '0 4 * * 0' }, /expected an EventBridge cron/],
    [{ finetuneKinds: 'lstm' }, /unknown kind lstm/],
    [{ profile: 'huge' }, /profile=huge/],
    [{ hfRepo: 'no-org' }, /hfRepo=no-org/],
    [{ logRetentionDays: '45' }, /logRetentionDays=45: expected one of/],
  ])('rejects %j with a message naming the key', (context, message) => {
    // Act + Assess
    expect(() => from(context)).toThrow(message);
  });
});
