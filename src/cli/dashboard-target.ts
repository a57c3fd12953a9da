/**
 * Where `mizan dashboard` reads its records: a data dir, or a deployment's bucket, table and state
 * machine. Flags first, then the variables the Lambdas read (MIZAN_BUCKET, MIZAN_TABLE,
 * MIZAN_STATE_MACHINE_ARN, MIZAN_BUCKET_PREFIX); as for the runtime, MIZAN_DATA_DIR wins over MIZAN_BUCKET.
 */
import { resolve } from 'node:path';
import { isStateMachineArn } from '../adapters/aws/sfn-execution-reads.ts';
import type { AwsDashboardTarget } from '../runtime/aws-dashboard-source.ts';
import { AWS_ENV } from '../runtime/aws-env.ts';
import { CliUsageError } from './cli-error.ts';
import { checkedBucketPrefix } from './registry-target.ts';

export type DashboardTarget = { from: 'data-dir'; dataDir: string } | ({ from: 'aws'; region: string } & AwsDashboardTarget);

export interface DashboardFlags {
  'data-dir'?: string;
  bucket?: string;
  'bucket-prefix'?: string;
  table?: string;
  'state-machine-arn'?: string;
  region?: string;
}

const AWS_ONLY = ['bucket-prefix', 'table', 'state-machine-arn', 'region'] as const;

export function dashboardTarget(flags: DashboardFlags, env: NodeJS.ProcessEnv): DashboardTarget {
  if (flags['data-dir'] !== undefined && flags.bucket !== undefined) {
    throw new CliUsageError('--data-dir and --bucket exclude each other: the pages are built from a data dir or from a bucket');
  }
  const bucket = setting(flags.bucket, '--bucket', flags['data-dir'] === undefined && !env.MIZAN_DATA_DIR ? env[AWS_ENV.bucket] : undefined, AWS_ENV.bucket);
  if (!bucket) {
    const stray = AWS_ONLY.find((flag) => flags[flag] !== undefined);
    if (stray) throw new CliUsageError(`--${stray} goes with --bucket (or ${AWS_ENV.bucket}): the data dir needs none of it`);
    const dataDir = flags['data-dir'] ?? env.MIZAN_DATA_DIR ?? './data';
    if (dataDir.trim() === '') throw new CliUsageError('--data-dir must not be empty');
    return { from: 'data-dir', dataDir: resolve(dataDir) };
  }

  const table = setting(flags.table, '--table', env[AWS_ENV.table], AWS_ENV.table);
  const arn = setting(flags['state-machine-arn'], '--state-machine-arn', env[AWS_ENV.stateMachineArn], AWS_ENV.stateMachineArn);
  if (!table) throw new CliUsageError(`pages from a bucket need the registry table too: --table NAME (or ${AWS_ENV.table})`);
  if (!arn) throw new CliUsageError(`pages from a bucket need the state machine of the runs too: --state-machine-arn ARN (or ${AWS_ENV.stateMachineArn})`);
  // S3 and DynamoDB naming rules, checked here so a typo is named rather than answered by AWS.
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket.value)) throw new CliUsageError(`${bucket.from} "${bucket.value}" is not an S3 bucket name`);
  if (!/^[A-Za-z0-9_.-]{3,255}$/.test(table.value)) throw new CliUsageError(`${table.from} "${table.value}" is not a DynamoDB table name`);
  if (!isStateMachineArn(arn.value)) {
    throw new CliUsageError(`${arn.from} "${arn.value}" is not a state machine ARN (arn:aws:states:REGION:ACCOUNT:stateMachine:NAME)`);
  }
  // The stack's bucket, table and state machine live in one region: the ARN's, unless told otherwise.
  const region = flags.region ?? arn.value.split(':')[3];
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    throw new CliUsageError(flags.region !== undefined ? `--region "${region}" is not an AWS region (e.g. eu-west-1)` : `${arn.from} names no region: give --region`);
  }
  const bucketPrefix = checkedBucketPrefix(flags['bucket-prefix'], env);
  return { from: 'aws', bucket: bucket.value, table: table.value, stateMachineArn: arn.value, region, ...(bucketPrefix !== undefined ? { bucketPrefix } : {}) };
}

/** A flag's value, else the variable's; named by where it came from, for the error that quotes it. */
function setting(flag: string | undefined, flagName: string, variable: string | undefined, variableName: string): { value: string; from: string } | undefined {
  if (flag !== undefined) {
    if (flag.trim() === '') throw new CliUsageError(`${flagName} must not be empty`);
    return { value: flag, from: flagName };
  }
  const value = variable?.trim();
  return value ? { value, from: variableName } : undefined;
}
