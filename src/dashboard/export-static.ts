/**
 * `mizan dashboard --out DIR`: every page the server would answer, written as files (relative
 * links, so DIR can be opened from disk or uploaded to a bucket beside the API).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { MODEL_KINDS } from '../models/kinds.ts';
import { ASSET_NAMES } from './assets.ts';
import { renderDashboard } from './dashboard.ts';
import { href, isExecutionId } from './routes.ts';
import type { DashboardSource } from './source.ts';
import { isVersion } from '../registry/version.ts';

export async function exportDashboard(source: DashboardSource, outDir: string, now?: () => Date): Promise<{ pages: number; files: string[] }> {
  const paths = [href.models(), href.runs(), ...ASSET_NAMES.map(href.asset)];
  for (const kind of MODEL_KINDS) {
    paths.push(href.kind(kind));
    for (const record of await source.registry.list(kind)) if (isVersion(record.version)) paths.push(href.version(kind, record.version));
  }
  for (const run of await source.executions.list()) if (isExecutionId(run.executionId)) paths.push(href.run(run.executionId));

  const files: string[] = [];
  for (const path of paths) {
    const response = await renderDashboard(`/${path}`, source, { live: false, now });
    if (response.status !== 200) throw new Error(`dashboard page /${path} answered ${response.status}`);
    const file = join(outDir, ...path.split('/'));
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, response.body);
    files.push(file);
  }
  return { pages: paths.length - ASSET_NAMES.length, files };
}
