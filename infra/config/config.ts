/**
 * Every deploy-time choice of the AWS app, in one place. Values come from CDK context
 * (`-c key=value` or cdk.json "context"), then the environment, then the defaults below.
 * Bad values fail the synth with a message naming the key: a typo must not deploy a surprise.
 */
import type { AgentKind, ForecasterKind } from '../../src/config/model-kinds.ts';
import { AGENT_KINDS, FORECASTER_KINDS } from '../../src/models/kinds.ts';
import { isProfileName, type ProfileName } from '../../src/config/profiles.ts';

export interface MizanConfig {
  /** Account and region to deploy to; undefined = environment-agnostic template (synth works without credentials). */
  account: string | undefined;
  region: string | undefined;
  /** GPU instance types for the training queue, in order of preference (one GPU each). */
  gpuInstanceTypes: string[];
  /** Upper bound of each GPU compute environment (4 vCPU per g5/g4dn.xlarge: 16 = four jobs at once). */
  gpuMaxVcpus: number;
  /** Spot first with on-demand behind it in the queue (true), or on-demand only (false). */
  gpuSpot: boolean;
  /** Fargate vCPUs available to fine-tune jobs. */
  cpuMaxVcpus: number;
  /** Batch job timeout for one training or snapshot job. */
  trainJobTimeoutHours: number;
  /** NAT gateways of the new VPC (1 keeps cost down; 2 survives an AZ outage). */
  natGateways: number;
  /** Training profile the API uses to plan runs (src/config/profiles.ts). */
  profile: ProfileName;
  /** Where prices come from: the bundled sample or Yahoo Finance (cached in the bucket). */
  dataSource: 'sample' | 'yahoo';
  /** EventBridge schedules on or off (`-c schedules=off`). */
  schedules: boolean;
  forecasterSchedule: string;
  forecasterKinds: ForecasterKind[];
  finetuneSchedule: string;
  finetuneKinds: AgentKind[];
  /** Hugging Face repo template (`org/mizan-{kind}`); undefined = no publishing. */
  hfRepo: string | undefined;
  /** An existing Secrets Manager secret (name) holding the HF token; undefined = the stack creates one. */
  hfSecretName: string | undefined;
  /** dataSource yahoo: an existing secret (name) holding the Alpha Vantage key; undefined = the stack creates one. */
  alphaVantageSecretName: string | undefined;
  /** dataSource yahoo: the bucket key of the daily news-sentiment parquet; undefined = sentiment scores 0. */
  newsSentimentKey: string | undefined;
  /** Days CloudWatch keeps logs. */
  logRetentionDays: number;
}

/** Reads one value: CDK context first (strings from `-c`, any JSON from cdk.json), then the environment. */
export type ContextReader = (key: string) => unknown;

export const DEFAULTS = {
  gpuInstanceTypes: ['g5.xlarge', 'g4dn.xlarge'],
  gpuMaxVcpus: 16,
  gpuSpot: true,
  cpuMaxVcpus: 16,
  trainJobTimeoutHours: 6,
  natGateways: 1,
  profile: 'full',
  dataSource: 'sample',
  schedules: true,
  // Sundays, after the Friday close has settled into every source: forecasters first, agents after.
  forecasterSchedule: 'cron(0 4 ? * SUN *)',
  finetuneSchedule: 'cron(0 16 ? * SUN *)',
  logRetentionDays: 90,
} as const;

/** The retention periods CloudWatch Logs accepts. */
const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

function retention(text: string | undefined): number {
  if (text === undefined) return DEFAULTS.logRetentionDays;
  const days = Number(text);
  if (!RETENTION_DAYS.includes(days)) throw new Error(`context logRetentionDays=${text}: expected one of ${RETENTION_DAYS.join(', ')}`);
  return days;
}

export function loadConfig(read: ContextReader, env: NodeJS.ProcessEnv = process.env): MizanConfig {
  const { str, list, int, flag, cron, kinds } = contextReaders(read);
  const gpuInstanceTypes = list('gpuInstanceTypes') ?? [...DEFAULTS.gpuInstanceTypes];
  for (const type of gpuInstanceTypes) {
    // One GPU per job: only the single-GPU sizes of the families tfjs-node-gpu (CUDA 11.2) supports and the
    // AL2023 ECS GPU AMI runs (it does not support p3 or g3).
    if (!/^(g4dn|g5|g6)\.\w+$/.test(type)) throw new Error(`context gpuInstanceTypes: ${type} is not a g4dn/g5/g6 GPU instance type`);
  }
  const profile = str('profile') ?? DEFAULTS.profile;
  if (!isProfileName(profile)) throw new Error(`context profile=${profile}: expected smoke, local or full`);
  const dataSource = str('dataSource') ?? DEFAULTS.dataSource;
  if (dataSource !== 'sample' && dataSource !== 'yahoo') throw new Error(`context dataSource=${dataSource}: expected sample or yahoo`);
  const hfRepo = str('hfRepo');
  if (hfRepo !== undefined && !/^[\w.-]+\/[\w.{}-]+$/.test(hfRepo)) throw new Error(`context hfRepo=${hfRepo}: expected org/name (may contain {kind})`);

  return {
    account: str('account') ?? env.CDK_DEFAULT_ACCOUNT,
    region: str('region') ?? env.CDK_DEFAULT_REGION,
    gpuInstanceTypes,
    gpuMaxVcpus: int('gpuMaxVcpus', DEFAULTS.gpuMaxVcpus, 4, 1024),
    gpuSpot: flag('gpuSpot', DEFAULTS.gpuSpot),
    cpuMaxVcpus: int('cpuMaxVcpus', DEFAULTS.cpuMaxVcpus, 4, 1024),
    trainJobTimeoutHours: int('trainJobTimeoutHours', DEFAULTS.trainJobTimeoutHours, 1, 48),
    natGateways: int('natGateways', DEFAULTS.natGateways, 1, 3),
    profile,
    dataSource,
    schedules: flag('schedules', DEFAULTS.schedules),
    forecasterSchedule: cron('forecasterSchedule', DEFAULTS.forecasterSchedule),
    forecasterKinds: kinds('forecasterKinds', FORECASTER_KINDS),
    finetuneSchedule: cron('finetuneSchedule', DEFAULTS.finetuneSchedule),
    finetuneKinds: kinds('finetuneKinds', AGENT_KINDS),
    hfRepo,
    hfSecretName: str('hfSecretName'),
    alphaVantageSecretName: str('alphaVantageSecretName'),
    newsSentimentKey: str('newsSentimentKey'),
    logRetentionDays: retention(str('logRetentionDays')),
  };
}

/** Typed readers of the context: a missing or empty key is undefined (or the fallback), a malformed one throws naming it. */
function contextReaders(read: ContextReader) {
  const str = (key: string): string | undefined => {
    const value = read(key);
    if (value === undefined || value === null || value === '') return undefined;
    return typeof value === 'string' ? value : JSON.stringify(value);
  };
  const list = (key: string): string[] | undefined => {
    const value = read(key);
    if (Array.isArray(value)) return value.map(String);
    const text = str(key);
    return text === undefined ? undefined : text.split(',').map((s) => s.trim()).filter(Boolean);
  };
  const int = (key: string, fallback: number, min: number, max: number): number => {
    const text = str(key);
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new Error(`context ${key}=${text}: expected an integer from ${min} to ${max}`);
    }
    return value;
  };
  const flag = (key: string, fallback: boolean): boolean => {
    const text = str(key)?.toLowerCase();
    if (text === undefined) return fallback;
    if (['on', 'true', 'yes', '1'].includes(text)) return true;
    if (['off', 'false', 'no', '0'].includes(text)) return false;
    throw new Error(`context ${key}=${text}: expected on or off`);
  };
  const cron = (key: string, fallback: string): string => {
    const text = str(key) ?? fallback;
    if (!/^(cron|rate)\(.+\)$/.test(text)) throw new Error(`context ${key}=${text}: expected an EventBridge cron(...) or rate(...) expression`);
    return text;
  };
  const kinds = <K extends string>(key: string, allowed: readonly K[]): K[] => {
    const values = list(key) ?? [...allowed];
    for (const value of values) {
      if (!(allowed as readonly string[]).includes(value)) throw new Error(`context ${key}: unknown kind ${value} (allowed: ${allowed.join(', ')})`);
    }
    return values as K[];
  };

  return { str, list, int, flag, cron, kinds };
}
