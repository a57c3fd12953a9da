/**
 * Where `models`, `promote`, `rollback` and `publish` read and write: a data dir, or a deployment's
 * artifact bucket and registry table, through the same ports (S3 and DynamoDB adapters), so the same
 * code runs against either. Flags first, then the variables the Lambdas read (MIZAN_BUCKET,
 * MIZAN_TABLE, MIZAN_BUCKET_PREFIX); as for the runtime, MIZAN_DATA_DIR wins over MIZAN_BUCKET. The
 * region and credentials are the AWS SDK's own (AWS_REGION, a profile…) unless --region is given.
 */
import { resolve } from 'node:path';
import { normalizePrefix } from '../adapters/artifact-key.ts';
import { AWS_ENV } from '../runtime/aws-env.ts';
import { CliUsageError } from './cli-error.ts';

export type RegistryTarget = { from: 'data-dir'; dataDir: string } | { from: 'aws'; bucket: string; bucketPrefix?: string; table: string; region?: string };

export const TARGET_FLAGS = {
  'data-dir': { type: 'string' },
  bucket: { type: 'string' },
  'bucket-prefix': { type: 'string' },
  table: { type: 'string' },
  region: { type: 'string' },
} as const;

export interface TargetFlags {
  'data-dir'?: string;
  bucket?: string;
  'bucket-prefix'?: string;
  table?: string;
  region?: string;
}

export function registryTarget(flags: TargetFlags, env: NodeJS.ProcessEnv): RegistryTarget {
  if (flags['data-dir'] !== undefined && flags.bucket !== undefined) throw new CliUsageError('--data-dir and --bucket exclude each other: use a data dir or a bucket and table');
  const bucket = nonEmpty(flags.bucket, '--bucket') ?? (flags['data-dir'] === undefined && !env.MIZAN_DATA_DIR ? env[AWS_ENV.bucket]?.trim() || undefined : undefined);
  if (bucket === undefined) {
    const stray = (['table', 'bucket-prefix', 'region'] as const).find((flag) => flags[flag] !== undefined);
    if (stray) throw new CliUsageError(`--${stray} goes with --bucket (or ${AWS_ENV.bucket}): the data dir needs none of it`);
    const dataDir = flags['data-dir'] ?? env.MIZAN_DATA_DIR ?? './data';
    if (dataDir.trim() === '') throw new CliUsageError('--data-dir must not be empty');
    return { from: 'data-dir', dataDir: resolve(dataDir) };
  }
  const table = nonEmpty(flags.table, '--table') ?? (env[AWS_ENV.table]?.trim() || undefined);
  if (table === undefined) throw new CliUsageError(`a bucket goes with its registry table: --table NAME (or ${AWS_ENV.table})`);
  // S3 and DynamoDB naming rules, checked here so a typo is named rather than answered by AWS.
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw new CliUsageError(`"${bucket}" is not an S3 bucket name`);
  if (!/^[A-Za-z0-9_.-]{3,255}$/.test(table)) throw new CliUsageError(`"${table}" is not a DynamoDB table name`);
  if (flags.region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(flags.region)) throw new CliUsageError(`--region "${flags.region}" is not an AWS region (e.g. eu-west-1)`);
  const bucketPrefix = checkedBucketPrefix(flags['bucket-prefix'], env);
  return { from: 'aws', bucket, table, ...(bucketPrefix !== undefined ? { bucketPrefix } : {}), ...(flags.region !== undefined ? { region: flags.region } : {}) };
}

function nonEmpty(flag: string | undefined, name: string): string | undefined {
  if (flag !== undefined && flag.trim() === '') throw new CliUsageError(`${name} must not be empty`);
  return flag;
}

/** --bucket-prefix, else MIZAN_BUCKET_PREFIX, checked as the S3 store will read it (also for `mizan dashboard`). */
export function checkedBucketPrefix(flag: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const bucketPrefix = flag ?? (env[AWS_ENV.bucketPrefix] || undefined);
  if (bucketPrefix === undefined) return undefined;
  try {
    normalizePrefix(bucketPrefix);
  } catch (error) {
    throw new CliUsageError(`--bucket-prefix: ${(error as Error).message}`);
  }
  return bucketPrefix;
}
