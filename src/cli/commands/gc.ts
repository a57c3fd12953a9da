import { stat } from 'node:fs/promises';
import type { ArtifactStore } from '../../ports/artifact-store.ts';
import type { ModelRegistry } from '../../ports/model-registry.ts';
import { collectGarbage } from '../../retention/collect-garbage.ts';
import { parseFlags } from '../args.ts';
import { CliUsageError, EXIT } from '../cli-error.ts';
import { gcTarget, type GcTarget, type GcTargetFlags } from '../gc-target.ts';
import { GC_USAGE } from '../usage.ts';
import { commonOptions, type Io } from './common.ts';
import { formatGcReport } from './gc-report.ts';

const FLAGS = {
  'data-dir': commonOptions['data-dir'],
  keep: { type: 'string' },
  'older-than': { type: 'string' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
  bucket: { type: 'string' },
  'bucket-prefix': { type: 'string' },
  table: { type: 'string' },
  region: { type: 'string' },
} as const;

/**
 * `mizan gc`: deletes the versions nothing needs (not current, not among the last N made current,
 * not named by a version that stays, not RUNNING) and the snapshots no version that stays names;
 * `--dry-run` only lists them and the bytes they hold. See src/retention/.
 */
export async function gcCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags('gc', argv, FLAGS);
  if (positionals.length > 0) throw new CliUsageError(`usage: ${GC_USAGE}`);
  const keep = count('--keep', values.keep, 3);
  const olderThanDays = count('--older-than', values['older-than'], 0);
  const target = gcTarget(values as GcTargetFlags, io.env);
  const { deps, close } = await open(target);
  try {
    const report = await collectGarbage({ keep, olderThanDays, now: new Date(), dryRun: values['dry-run'] === true }, { ...deps, log: io.stderr });
    io.stdout(values.json === true ? JSON.stringify(jsonReport(report, target), null, 2) : formatGcReport(report, where(target)));
    return EXIT.ok;
  } catch (error) {
    // A bucket or table that is not there is a typo to fix (exit 2): the first read finds it, before any deletion.
    const missing: Record<string, string> = { NoSuchBucket: 'no such bucket', ResourceNotFoundException: 'no such table' };
    const name = (error as { name?: string })?.name ?? '';
    if (target.from === 'aws' && Object.hasOwn(missing, name)) throw new CliUsageError(`${missing[name]}: ${where(target)} (region ${target.region})`);
    throw error;
  } finally {
    close();
  }
}

function count(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,6}$/.test(value)) throw new CliUsageError(`${flag} "${value}" is not a whole number (0 or more)`);
  return Number(value);
}

function where(target: GcTarget): string {
  return target.from === 'data-dir' ? target.dataDir : `s3://${target.bucket}${target.bucketPrefix ? `/${target.bucketPrefix}` : ''} + ${target.table}`;
}

async function open(target: GcTarget): Promise<{ deps: { store: ArtifactStore; registry: ModelRegistry }; close: () => void }> {
  if (target.from === 'data-dir') {
    // A mistyped data dir would otherwise look like an empty one.
    if (!(await stat(target.dataDir).then((s) => s.isDirectory(), () => false))) throw new CliUsageError(`no data dir at ${target.dataDir}`);
    const [{ DirArtifactStore }, { LocalModelRegistry }] = await Promise.all([import('../../adapters/local/dir-artifact-store.ts'), import('../../adapters/local/local-model-registry.ts')]);
    return { deps: { store: new DirArtifactStore(target.dataDir), registry: new LocalModelRegistry(target.dataDir) }, close: () => undefined };
  }
  // Loaded only here: a data dir's gc needs no SDK.
  const [{ S3Client }, { DynamoDBClient }, { S3ArtifactStore }, { DynamoModelRegistry }] = await Promise.all([
    import('@aws-sdk/client-s3'),
    import('@aws-sdk/client-dynamodb'),
    import('../../adapters/aws/s3-artifact-store.ts'),
    import('../../adapters/aws/dynamo-model-registry.ts'),
  ]);
  const s3 = new S3Client({ region: target.region });
  const dynamodb = new DynamoDBClient({ region: target.region });
  return {
    deps: { store: new S3ArtifactStore(s3, target.bucket, target.bucketPrefix), registry: new DynamoModelRegistry(dynamodb, target.table) },
    close: () => {
      s3.destroy();
      dynamodb.destroy();
    },
  };
}

function jsonReport(report: Awaited<ReturnType<typeof collectGarbage>>, target: GcTarget) {
  const version = (v: { kind: string; version: string; status: string; bytes: number; files: number }) => ({ kind: v.kind, version: v.version, status: v.status, bytes: v.bytes, files: v.files });
  const snapshot = (s: { kind: string; yearEnd: string; key: string | null; bytes: number; files: number }) => ({ kind: s.kind, year_end: s.yearEnd, snapshot_key: s.key, bytes: s.bytes, files: s.files });
  return {
    target: where(target),
    dry_run: report.dryRun,
    pending: { versions: report.pending.versions, snapshots: report.pending.snapshots },
    [report.dryRun ? 'would_delete' : 'deleted']: report.dryRun
      ? { versions: report.plan.versions.map(version), snapshots: report.plan.snapshots.map(snapshot), bytes: report.plan.bytes }
      : { versions: report.deleted.versions.map(version), snapshots: report.deleted.snapshots.map(snapshot), bytes: report.deleted.bytes },
    skipped: report.skipped,
    kept: report.plan.kept,
    kept_snapshots: report.plan.keptSnapshots.map((s) => ({ kind: s.kind, year_end: s.yearEnd, why: s.why })),
  };
}
