/**
 * One "Backfill snapshots" job by hand: trains the smoke-profile lstm snapshot of one year end on
 * the bundled sample. Usage: node bin/run-ts.mjs scripts/train-snapshot-year.ts DATA_DIR YYYY-12-31
 * Progress goes to stderr; the outcome (JSON) to stdout.
 */
import { DirArtifactStore } from '../src/adapters/local/dir-artifact-store.ts';
import { SampleMarketData } from '../src/adapters/sample/sample-market-data.ts';
import { trainSnapshot } from '../src/snapshots/train-snapshot.ts';
import { SampleUniverse } from '../src/adapters/sample/sample-universe.ts';
import { loadSampleFundamentals } from '../src/universe/fundamentals.ts';
import { smokeForecasterPlan } from '../test/support/smoke-forecaster-plan.ts';

const [dataDir, yearEnd] = process.argv.slice(2);
if (!dataDir || !yearEnd) {
  process.stderr.write('usage: train-snapshot-year.ts DATA_DIR YYYY-12-31\n');
  process.exit(2);
}
const marketData = new SampleMarketData();
const plan = await smokeForecasterPlan(marketData);
const outcome = await trainSnapshot(
  { plan, yearEnd },
  {
    store: new DirArtifactStore(dataDir),
    marketData,
    universe: new SampleUniverse(await loadSampleFundamentals(), marketData),
    log: (line) => process.stderr.write(`${line}\n`),
    backend: 'wasm',
  },
);
process.stdout.write(`${JSON.stringify(outcome)}\n`);
