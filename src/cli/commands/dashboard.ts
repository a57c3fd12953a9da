import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { exportDashboard } from '../../dashboard/export-static.ts';
import type { DashboardSource } from '../../dashboard/source.ts';
import { localDashboardSource } from '../../runtime/local-dashboard-source.ts';
import { parseFlags } from '../args.ts';
import { CliUsageError, EXIT } from '../cli-error.ts';
import { dashboardTarget, type DashboardFlags, type DashboardTarget } from '../dashboard-target.ts';
import { commonOptions, type Io } from './common.ts';
import { DASHBOARD_USAGE } from '../usage.ts';

const FLAGS = {
  'data-dir': commonOptions['data-dir'],
  out: { type: 'string' },
  bucket: { type: 'string' },
  'bucket-prefix': { type: 'string' },
  table: { type: 'string' },
  'state-machine-arn': { type: 'string' },
  region: { type: 'string' },
} as const;

/**
 * `mizan dashboard --out DIR`: the pages `mizan serve` shows at `/`, written as static files, from a
 * data dir or from a deployment's bucket, registry table and state machine (`--bucket …`).
 */
export async function dashboardCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags('dashboard', argv, FLAGS);
  const out = values.out;
  if (positionals.length > 0 || out === undefined || out.trim() === '') throw new CliUsageError(`usage: ${DASHBOARD_USAGE}`);
  const target = dashboardTarget(values as DashboardFlags, io.env);
  const outDir = resolve(out);
  const { pages, files } = target.from === 'aws' ? await fromAws(target, outDir) : await exportDashboard(await fromDataDir(target.dataDir), outDir);
  io.stdout(JSON.stringify({ out: outDir, pages, files: files.length, index: resolve(outDir, 'index.html') }));
  return EXIT.ok;
}

async function fromDataDir(dataDir: string): Promise<DashboardSource> {
  // A mistyped data dir would otherwise give a dashboard of nothing.
  if (!(await stat(dataDir).then((s) => s.isDirectory(), () => false))) throw new CliUsageError(`no data dir at ${dataDir}`);
  return localDashboardSource(dataDir);
}

async function fromAws(target: Extract<DashboardTarget, { from: 'aws' }>, outDir: string): ReturnType<typeof exportDashboard> {
  // Loaded only here: a data dir's export needs no SDK.
  const [{ S3Client }, { DynamoDBClient }, { SFNClient }, { awsDashboardSource }] = await Promise.all([
    import('@aws-sdk/client-s3'),
    import('@aws-sdk/client-dynamodb'),
    import('@aws-sdk/client-sfn'),
    import('../../runtime/aws-dashboard-source.ts'),
  ]);
  const clients = { s3: new S3Client({ region: target.region }), dynamodb: new DynamoDBClient({ region: target.region }), sfn: new SFNClient({ region: target.region }) };
  try {
    return await exportDashboard(awsDashboardSource(target, clients), outDir);
  } catch (error) {
    // A name that is not there is a typo to fix (exit 2), as a data dir that is not there is.
    const missing: Record<string, string> = {
      NoSuchBucket: `no bucket ${target.bucket}`,
      ResourceNotFoundException: `no table ${target.table} in ${target.region}`,
      StateMachineDoesNotExist: `no state machine ${target.stateMachineArn}`,
    };
    const name = (error as { name?: string })?.name ?? '';
    if (Object.hasOwn(missing, name)) throw new CliUsageError(missing[name]);
    throw error;
  } finally {
    for (const client of Object.values(clients)) client.destroy();
  }
}
