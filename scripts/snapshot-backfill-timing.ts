/**
 * Measures a smoke-profile backfill (2 year ends) run as child processes one after the other
 * (concurrency 1) and both at once (concurrency 2), each into a fresh data dir, then prints the
 * walk-forward forecasts of a real range from the snapshots it made.
 * Usage: node bin/run-ts.mjs scripts/snapshot-backfill-timing.ts
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirArtifactStore } from '../src/adapters/local/dir-artifact-store.ts';
import { LocalModelRegistry } from '../src/adapters/local/local-model-registry.ts';
import { SampleMarketData } from '../src/adapters/sample/sample-market-data.ts';
import { formatForecastsTable } from '../src/snapshots/format-forecasts.ts';
import { walkForwardForecasts } from '../src/snapshots/walk-forward.ts';

const YEAR_ENDS = ['2020-12-31', '2021-12-31'];

function trainYear(dataDir: string, yearEnd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/run-ts.mjs', 'scripts/train-snapshot-year.ts', dataDir, yearEnd], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`snapshot ${yearEnd} exited with ${code}`))));
  });
}

async function timed(label: string, run: (dataDir: string) => Promise<void>): Promise<{ seconds: number; dataDir: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'mizan-backfill-'));
  const started = performance.now();
  await run(dataDir);
  const seconds = (performance.now() - started) / 1000;
  process.stderr.write(`== ${label}: ${seconds.toFixed(1)} s\n`);
  return { seconds, dataDir };
}

const sequential = await timed('concurrency 1', async (dir) => {
  for (const yearEnd of YEAR_ENDS) await trainYear(dir, yearEnd);
});
const parallel = await timed('concurrency 2', (dir) => Promise.all(YEAR_ENDS.map((y) => trainYear(dir, y))).then(() => undefined));

const rows = await walkForwardForecasts(
  { kind: 'lstm', symbols: ['AAPL', 'MSFT'], from: '2021-11-29', to: '2022-01-24', allowFinalModel: false },
  { store: new DirArtifactStore(parallel.dataDir), registry: new LocalModelRegistry(parallel.dataDir), marketData: new SampleMarketData() },
);
process.stdout.write(`smoke backfill of ${YEAR_ENDS.length} years: concurrency 1 ${sequential.seconds.toFixed(1)} s, concurrency 2 ${parallel.seconds.toFixed(1)} s\n\n`);
process.stdout.write(formatForecastsTable(rows));
for (const { dataDir } of [sequential, parallel]) await rm(dataDir, { recursive: true, force: true });
