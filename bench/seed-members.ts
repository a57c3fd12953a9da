/**
 * How a run's seeds should share the cores (issue 19): trains the `local` LSTM's members on the
 * bundled data (the local plan's symbols and window) for the seeds given, one after another in this
 * process, and prints `bench seed_member_<seed>_s <seconds> s` and the sha256 of its weights (equal
 * across thread counts: the kernels are bit-identical with one thread or two). Compare
 *   MIZAN_KERNEL_THREADS=2 node bin/run-ts.mjs bench/seed-members.ts 42 43     (sequential, both cores each)
 * with two processes at once, MIZAN_KERNEL_THREADS=1, one seed each. MIZAN_BENCH_EPOCHS caps the epochs.
 */
import { createHash } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../src/ml/backend.ts';
import { LSTM_CONFIGS } from '../src/models/forecasters/lstm/lstm-config.ts';
import { lstmModule } from '../src/models/forecasters/lstm/lstm-module.ts';
import { serializeForecaster } from '../src/models/forecasters/shared/forecaster-artifacts.ts';
import { disposeForecaster, trainForecaster } from '../src/models/forecasters/shared/train-forecaster.ts';
import { resolveTrainingPlan } from '../src/pipeline/resolve-plan.ts';
import { localDeps } from '../src/runtime/local-deps.ts';

const seeds = process.argv.slice(2).map(Number);
if (seeds.length === 0 || seeds.some((s) => !Number.isInteger(s))) throw new Error('usage: seed-members.ts <seed> [seed …]');
await initBackend();
const deps = await localDeps({ dataDir: join(await mkdtemp(join(tmpdir(), 'mizan-seed-bench-')), 'data') });
const plan = await resolveTrainingPlan({ kind: 'lstm', mode: 'full', profile: 'local' }, deps);
const epochs = Number(process.env.MIZAN_BENCH_EPOCHS ?? LSTM_CONFIGS.local.maxEpochs);
const base = { ...LSTM_CONFIGS.local, maxEpochs: epochs, seedCount: 1 };
const samples = await lstmModule.buildSamples({ marketData: deps.marketData }, base, plan.symbols, plan.window);
process.stdout.write(`# ${samples.length} samples, ${plan.symbols.length} symbols, ${epochs} epochs, MIZAN_KERNEL_THREADS=${process.env.MIZAN_KERNEL_THREADS ?? 'unset'}\n`);
for (const seed of seeds) {
  const started = performance.now();
  const trained = await trainForecaster({ samples, config: { ...base, seed }, buildModel: lstmModule.buildModel });
  const seconds = (performance.now() - started) / 1000;
  const sha = createHash('sha256').update((await serializeForecaster(trained))['weights.bin']).digest('hex').slice(0, 16);
  process.stdout.write(`bench seed_member_${seed}_s ${seconds.toFixed(1)} s (epochs ${trained.history.length}, weights ${sha})\n`);
  disposeForecaster(trained);
}
