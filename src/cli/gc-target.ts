/**
 * Where `mizan gc` deletes: a data dir, or a deployment's bucket and registry table (`--bucket B
 * --table T`, as `mizan dashboard` takes them, without the state machine: a version's status is in
 * the table). Flags first, then the variables the Lambdas read; MIZAN_DATA_DIR wins over MIZAN_BUCKET.
 */
import { resolve } from 'node:path';
import { normalizePrefix } from '../adapters/artifact-key.ts';
import { AWS_ENV } from '../runtime/aws-env.ts';
import { CliUsageError } from './cli-error.ts';

export type GcTarget = { from: 'data-dir'; dataDir: string } | { from: 'aws'; bucket: string; bucketPrefix?: string; table: string; region: string };

export interface GcTargetFlags {
  'data-dir'?: string;
  bucket?: string;
  'bucket-prefix'?: string;
  table?: string;
  region?: string;
}

export function gcTarget(flags: GcTargetFlags, env: NodeJS.ProcessEnv): GcTarget {
  if (flags['data-dir'] !== undefined && flags.bucket !== undefined) throw new CliUsageError('--data-dir and --bucket exclude each other: gc works on a data dir or on a bucket and table');
  const bucket = nonEmpty(flags.bucket, '--bucket') ?? (flags['data-dir'] === undefined && !env.MIZAN_DATA_DIR ? env[AWS_ENV.bucket]?.trim() || undefined : undefined);
  if (bucket === undefined) {
    const stray = (['bucket-prefix', 'table', 'region'] as const).find((flag) => flags[flag] !== undefined);
    if (stray) throw new CliUsageError(`--${stray} goes with --bucket (or ${AWS_ENV.bucket}): the data dir needs none of it`);
    const dataDir = flags['data-dir'] ?? env.MIZAN_DATA_DIR ?? './data';
    if (dataDir.trim() === '') throw new CliUsageError('--data-dir must not be empty');
    return { from: 'data-dir', dataDir: resolve(dataDir) };
  }
  const table = nonEmpty(flags.table, '--table') ?? (env[AWS_ENV.table]?.trim() || undefined);
  if (table === undefined) throw new CliUsageError(`gc on a bucket needs the registry table too: --table NAME (or ${AWS_ENV.table})`);
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw new CliUsageError(`"${bucket}" is not an S3 bucket name`);
  if (!/^[A-Za-z0-9_.-]{3,255}$/.test(table)) throw new CliUsageError(`"${table}" is not a DynamoDB table name`);
  const region = nonEmpty(flags.region, '--region') ?? (env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || undefined);
  if (region === undefined) throw new CliUsageError('gc on a bucket needs the stack\'s region: --region R (or AWS_REGION)');
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) throw new CliUsageError(`region "${region}" is not an AWS region (e.g. eu-west-1)`);
  const bucketPrefix = flags['bucket-prefix'] ?? (env[AWS_ENV.bucketPrefix] || undefined);
  if (bucketPrefix !== undefined) {
    try {
      normalizePrefix(bucketPrefix);
    } catch (error) {
      throw new CliUsageError(`--bucket-prefix: ${(error as Error).message}`);
    }
  }
  return { from: 'aws', bucket, table, region, ...(bucketPrefix !== undefined ? { bucketPrefix } : {}) };
}

function nonEmpty(flag: string | undefined, name: string): string | undefined {
  if (flag !== undefined && flag.trim() === '') throw new CliUsageError(`${name} must not be empty`);
  return flag;
}
