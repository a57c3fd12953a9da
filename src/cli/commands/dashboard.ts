import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { exportDashboard } from '../../dashboard/export-static.ts';
import { localDashboardSource } from '../../dashboard/source.ts';
import { parseFlags } from '../args.ts';
import { CliUsageError, EXIT } from '../cli-error.ts';
import { commonOptions, type Io } from './common.ts';
import { DASHBOARD_USAGE } from '../usage.ts';

/** `mizan dashboard --out DIR`: the pages `mizan serve` shows at `/`, written as static files. */
export async function dashboardCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags('dashboard', argv, { 'data-dir': commonOptions['data-dir'], out: { type: 'string' } });
  const out = values.out as string | undefined;
  if (positionals.length > 0 || out === undefined || out.trim() === '') throw new CliUsageError(`usage: ${DASHBOARD_USAGE}`);
  const dataDirArg = (values['data-dir'] as string | undefined) ?? io.env.MIZAN_DATA_DIR ?? './data';
  if (dataDirArg.trim() === '') throw new CliUsageError('--data-dir must not be empty');
  const dataDir = resolve(dataDirArg);
  // A mistyped data dir would otherwise give a dashboard of nothing.
  if (!(await stat(dataDir).then((s) => s.isDirectory(), () => false))) throw new CliUsageError(`no data dir at ${dataDir}`);
  const outDir = resolve(out);
  const { pages, files } = await exportDashboard(localDashboardSource(dataDir), outDir);
  io.stdout(JSON.stringify({ out: outDir, pages, files: files.length, index: resolve(outDir, 'index.html') }));
  return EXIT.ok;
}
