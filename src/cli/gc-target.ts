/**
 * Where `mizan gc` deletes: a data dir, or a deployment's bucket and registry table (`--bucket B
 * --table T`, as `mizan dashboard` takes them, without the state machine: a version's status is in
 * the table). The same target as `models`/`promote`/`rollback` (registry-target.ts), with a region
 * required: gc lists and deletes, so it must not fall back to whatever region a profile names.
 */
import { CliUsageError } from './cli-error.ts';
import { registryTarget, type TargetFlags } from './registry-target.ts';

export type GcTarget = { from: 'data-dir'; dataDir: string } | { from: 'aws'; bucket: string; bucketPrefix?: string; table: string; region: string };

export type GcTargetFlags = TargetFlags;

export function gcTarget(flags: GcTargetFlags, env: NodeJS.ProcessEnv): GcTarget {
  const target = registryTarget(flags, env);
  if (target.from === 'data-dir') return target;
  const region = target.region ?? (env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || undefined);
  if (region === undefined) throw new CliUsageError('gc on a bucket needs the stack\'s region: --region R (or AWS_REGION)');
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) throw new CliUsageError(`region "${region}" is not an AWS region (e.g. eu-west-1)`);
  return { ...target, region };
}
