/**
 * `npm run bench:promotion`: the null and power experiments of the promotion test (issue 19), run
 * through mizan's own code: the trainer (runTrainJob, which makes the comparison with the current
 * model on the same weeks), decidePromotion (the rule with its default settings) and the local store
 * and registry, in a scratch data dir, on the bundled sample data.
 *
 * - Null: a current model, then N challengers that differ from it only by the seed (same data, same
 *   window, same config otherwise). Each is trained and decided on against the current model; a
 *   promoted one is moved back (an `undo` in the scratch history) so that every challenger meets the
 *   same current model. The count of promotions under the default rule, beside the old rule's (a
 *   strictly lower score on the same weeks).
 * - Power: each null challenger plus a planted, known edge: its forecast of every (symbol, week) plus
 *   `dose` × the realised return, scored by the real comparison (compareOnTestWeeks, through
 *   predict(): the planted model is a LoadedForecaster whose network adds the edge) and decided on by
 *   decidePromotion. The N draws are the N seeds' noise; the count of promotions at each dose.
 * - Agents (unless --forecasters-only): the null experiment with PPO (the rule tests a Sharpe gain above the margin, settings.minSharpeGain) (ppo_lstm, smoke profile,
 *   2048 timesteps unless --agent-timesteps), its panel reading the current LSTM's forecasts
 *   (allow_final_model): N seeds against a current agent, compared by the paired Sharpe test on the
 *   same evaluation weeks. No power experiment for agents (yet).
 *
 * The LSTM: the smoke profile's (4 symbols, 8 hidden units, 54 test weeks) trained to early stopping
 * (maxEpochs 20, patience 5, instead of the smoke profile's 2 and 1: two-epoch models are so far from
 * converged that their seeds are genuinely different models, not noise around one).
 *
 * Options: --challengers N (20); --doses 0.05,0.02,0.1 (the power doses: the first is the one
 * reported, the others show the curve); --epochs E, --patience P (the LSTM's; 20 and 5);
 * --forecasters-only; --agent-challengers N (default: --challengers); --agent-timesteps T; --keep
 * (keep the scratch data dir). Prints `bench promotion_…` lines and a summary;
 * MIZAN_BENCH_VERBOSE=1 logs the training. About a minute on 2 cores (the LSTM ~50 s, PPO ~10 s).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_PROMOTION_SETTINGS } from '../src/config/promotion.ts';
import type { ModelKind } from '../src/config/model-kinds.ts';
import type { WeeklySample } from '../src/features/weekly-dataset.ts';
import { initBackend, tf } from '../src/ml/backend.ts';
import { readModelFiles, versionPrefix, writeModelFiles } from '../src/models/artifacts/model-files.ts';
import type { Comparison } from '../src/models/comparison.ts';
import { compareOnTestWeeks } from '../src/models/forecasters/shared/compare-on-test-weeks.ts';
import { deserializeForecaster } from '../src/models/forecasters/shared/forecaster-artifacts.ts';
import type { ForecasterTrainingConfig } from '../src/models/forecasters/shared/forecaster-config.ts';
import { scaleWindows } from '../src/models/forecasters/shared/forecaster-inference.ts';
import type { LoadedForecaster } from '../src/models/forecasters/shared/forecaster-types.ts';
import { lstmModule } from '../src/models/forecasters/lstm/lstm-module.ts';
import type { TrainingInputs, TrainingPlan } from '../src/models/training-plan.ts';
import { decidePromotion, type PromotionOutcome } from '../src/pipeline/decide-promotion.ts';
import { resolveTrainingPlan } from '../src/pipeline/resolve-plan.ts';
import { runTrainJob } from '../src/pipeline/train-job.ts';
import { computeVersion } from '../src/registry/version.ts';
import { localDeps, type LocalDeps } from '../src/runtime/local-deps.ts';

const { values: options } = parseArgs({
  options: {
    challengers: { type: 'string', default: '20' },
    doses: { type: 'string', default: '0.05,0.02,0.1' },
    'forecasters-only': { type: 'boolean', default: false },
    'agent-challengers': { type: 'string' },
    epochs: { type: 'string', default: '20' },
    patience: { type: 'string', default: '5' },
    'agent-timesteps': { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const CHALLENGERS = Number(options.challengers);
const DOSES = options.doses.split(',').map(Number);
const AGENT_CHALLENGERS = Number(options['agent-challengers'] ?? options.challengers);
/** Seeds far apart: a run with K seeds trains seed, seed + 1, …, seed + K − 1. */
const seedOf = (i: number) => 1000 + 100 * i;
const SETTINGS = DEFAULT_PROMOTION_SETTINGS;

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function line(name: string, value: number | string, unit = ''): void {
  process.stdout.write(`bench ${name} ${value}${unit ? ` ${unit}` : ''}\n`);
}

/** The plan with another config (another seed, …): its version is the hash of the new inputs. */
function variant(plan: TrainingPlan, config: Record<string, unknown>): TrainingPlan {
  const { version: _version, snapshotYearEnds: _years, ...inputs } = plan;
  const next: TrainingInputs = { ...inputs, config: { ...inputs.config, ...config } };
  return { ...next, version: computeVersion(next), snapshotYearEnds: [] };
}

interface Decided {
  plan: TrainingPlan;
  outcome: PromotionOutcome;
  comparison: Comparison | null;
}

/** Decides with the default settings; a promoted challenger is moved back, so the next one meets the same current model. */
async function decideAndRestore(deps: LocalDeps, plan: TrainingPlan, current: string): Promise<PromotionOutcome> {
  const outcome = await decidePromotion({ plan, executionId: `bench-${plan.version}` }, { store: deps.store, registry: deps.registry, promotion: SETTINGS });
  if (outcome.promoted) {
    const back = await deps.registry.move(plan.kind, { expected: plan.version, next: current, record: { trigger: 'automatic', action: 'undo', by: 'bench', reason: 'promotion bench: back to the current model' } });
    if (!back) throw new Error(`could not move ${plan.kind} back to ${current}`);
  }
  return outcome;
}

/** The old rule (before issue 19): a strictly better score on the same weeks. */
function oldRulePromotes(comparison: Comparison | null): boolean {
  if (!comparison || comparison.compared_on !== 'same_test_weeks') return false;
  const { candidate_score: candidate, current_score: current, better } = comparison;
  if (typeof candidate !== 'number' || typeof current !== 'number') return false;
  return better === 'lower' ? candidate < current : candidate > current;
}

function summary(label: string, decided: Decided[]): void {
  const promoted = decided.filter((d) => d.outcome.promoted).length;
  const old = decided.filter((d) => oldRulePromotes(d.comparison)).length;
  const rules = new Map<string, number>();
  for (const d of decided) rules.set(d.outcome.rule ?? 'none', (rules.get(d.outcome.rule ?? 'none') ?? 0) + 1);
  const pValues = decided.map((d) => d.outcome.test?.p_value).filter((p): p is number => typeof p === 'number').sort((a, b) => a - b);
  line(`${label}_promoted`, `${promoted}/${decided.length}`);
  line(`${label}_old_rule_promoted`, `${old}/${decided.length}`);
  process.stdout.write(`  rules: ${[...rules].map(([rule, n]) => `${rule} ${n}`).join(', ')}; one-sided p-values: ${pValues.map((p) => p.toFixed(3)).join(' ')}\n`);
}

/**
 * A LoadedForecaster whose network adds `dose` × the realised return to the base model's forecast of
 * every sample it knows (looked up by the scaled input window, which is what the network sees).
 */
function plantedEdge(base: LoadedForecaster, samples: readonly WeeklySample[], dose: number): LoadedForecaster {
  const { lookbackDays } = base.config;
  const width = lookbackDays * base.scaler.channels;
  const keyOf = (rows: Float32Array, i: number) => Buffer.from(rows.buffer, rows.byteOffset + i * width * 4, width * 4).toString('base64');
  const scaled = scaleWindows(base.scaler, samples.map((s) => s.features), lookbackDays);
  const realised = new Map<string, number>();
  samples.forEach((s, i) => realised.set(keyOf(scaled, i), s.target));
  const model = {
    predict(x: tf.Tensor, args?: unknown) {
      const n = x.shape[0]!;
      const rows = x.dataSync() as Float32Array;
      // In the model's units: predictions are mapped back by × target.std + target.mean.
      const extra = Float32Array.from({ length: n }, (_, i) => {
        const y = realised.get(keyOf(rows, i));
        if (y === undefined) throw new Error('planted edge: a window that is not one of the test samples');
        return (dose * y) / base.target.std;
      });
      return tf.tidy(() => (base.model.predict(x, args as never) as tf.Tensor).add(tf.tensor2d(extra, [n, 1])));
    },
    dispose: () => base.model.dispose(),
  };
  return { ...base, model: model as unknown as tf.LayersModel };
}

async function forecasterExperiments(deps: LocalDeps, log: (line: string) => void): Promise<TrainingPlan> {
  const kind: ModelKind = 'lstm';
  const planned = await resolveTrainingPlan({ kind, mode: 'full', profile: 'smoke' }, deps);
  const custom = { ...(options.epochs ? { maxEpochs: Number(options.epochs) } : {}), ...(options.patience ? { patience: Number(options.patience) } : {}) };
  const base = Object.keys(custom).length > 0 ? variant(planned, custom) : planned;
  const config = base.config as unknown as ForecasterTrainingConfig;
  process.stdout.write(
    `forecasters: lstm, smoke profile${Object.keys(custom).length > 0 ? ` with ${JSON.stringify(custom)}` : ''} (${base.symbols.join(', ')}; window ${base.window.start}..${base.window.end}; ` +
      `hiddenUnits ${String(base.config.hiddenUnits)}, maxEpochs ${config.maxEpochs}, patience ${config.patience}, seeds per run ${String(base.config.seedCount ?? 1)})\n`,
  );
  const jobDeps = { store: deps.store, registry: deps.registry, marketData: deps.marketData, signals: deps.signals, universe: deps.universe, log };

  const started = performance.now();
  const currentPlan = variant(base, { seed: config.seed });
  await runTrainJob({ task: 'train', plan: currentPlan }, jobDeps);
  const first = await decidePromotion({ plan: currentPlan, executionId: 'bench-current' }, { store: deps.store, registry: deps.registry, promotion: SETTINGS });
  if (!first.promoted) throw new Error(`the current model was not promoted: ${first.reason}`);
  const current = currentPlan.version;

  // Null: N seeds.
  const challengers: TrainingPlan[] = [];
  const nullDecided: Decided[] = [];
  for (let i = 1; i <= CHALLENGERS; i++) {
    const plan = variant(base, { seed: seedOf(i) });
    const trained = await runTrainJob({ task: 'train', plan }, jobDeps);
    if (trained.task !== 'train') throw new Error('expected a train result');
    const outcome = await decideAndRestore(deps, plan, current);
    challengers.push(plan);
    nullDecided.push({ plan, outcome, comparison: trained.comparison });
    log(`null ${i}: seed ${seedOf(i)} ${outcome.rule} p=${outcome.test?.p_value.toFixed(3) ?? '-'}`);
  }
  const nullSeconds = (performance.now() - started) / 1000;
  const weeks = nullDecided[0]?.outcome.test?.weeks;
  process.stdout.write(`null experiment (${CHALLENGERS} seeds against seed ${config.seed}; Diebold–Mariano on ${weeks ? `${weeks.count} weekly losses ${weeks.first}..${weeks.last}` : 'the weekly losses'}, one-sided level ${SETTINGS.level}):\n`);
  summary('promotion_null_lstm', nullDecided);
  line('promotion_null_lstm_seconds', nullSeconds.toFixed(1), 's');

  // Power: each challenger's forecasts plus dose × the realised return.
  const samples = await lstmModule.buildSamples({ marketData: deps.marketData, signals: deps.signals }, config as never, base.symbols, base.window);
  const powerStarted = performance.now();
  for (const dose of DOSES) {
    const decided: Decided[] = [];
    for (const plan of challengers) {
      const stored = await readModelFiles(deps.store, versionPrefix(kind, plan.version));
      if (!stored) throw new Error(`${plan.version} is not committed`);
      const split = (stored.metadata as unknown as { split: { testFirstWeek: string } }).split;
      const test = samples.filter((s) => s.week >= split.testFirstWeek);
      const edged = variant(plan, { benchPlantedDose: dose });
      const forecaster = plantedEdge(await deserializeForecaster(stored.files), test, dose);
      let comparison: Comparison | null;
      try {
        comparison = await compareOnTestWeeks(edged, forecaster, test, lstmModule, { store: deps.store, registry: deps.registry, marketData: deps.marketData, signals: deps.signals });
      } finally {
        forecaster.model.dispose();
      }
      await writeModelFiles(deps.store, versionPrefix(kind, edged.version), stored.files, {
        kind,
        version: edged.version,
        window: edged.window,
        config: edged.config,
        metrics: { test_loss: comparison?.candidate_score ?? Number.NaN },
        comparison,
      });
      decided.push({ plan: edged, outcome: await decideAndRestore(deps, edged, current), comparison });
    }
    const relative = decided.map((d) => (d.comparison!.candidate_score! - d.comparison!.current_score!) / d.comparison!.current_score!);
    process.stdout.write(
      `power experiment, dose ${dose} (each null challenger's forecasts + ${dose} × the realised return; its test MSE ${(100 * mean(relative)).toFixed(1)} % from the current model's on average):\n`,
    );
    summary(`promotion_power_lstm_dose_${dose}`, decided);
    if (dose === DOSES[0]) {
      line('promotion_power_lstm_dose', dose);
      line('promotion_power_lstm_promoted', `${decided.filter((d) => d.outcome.promoted).length}/${decided.length}`);
    }
  }
  line('promotion_power_lstm_seconds', ((performance.now() - powerStarted) / 1000).toFixed(1), 's');
  return currentPlan;
}

async function agentExperiment(deps: LocalDeps, log: (line: string) => void): Promise<void> {
  const kind: ModelKind = 'ppo_lstm';
  // The LSTM's current model (the forecaster experiment's) stands in for its snapshots: allow_final_model.
  const planned = await resolveTrainingPlan({ kind, mode: 'full', profile: 'smoke', allowFinalModel: true }, deps);
  const ppo = planned.config.ppo as Record<string, unknown>;
  const base = options['agent-timesteps'] ? variant(planned, { ppo: { ...ppo, totalTimesteps: Number(options['agent-timesteps']) } }) : planned;
  const seed = Number(base.config.seed);
  process.stdout.write(`agents: ppo_lstm, smoke profile (${base.symbols.join(', ')}; reads the current lstm's forecasts; ${String((base.config.ppo as { totalTimesteps?: number } | undefined)?.totalTimesteps ?? '?')} timesteps)\n`);
  const jobDeps = { store: deps.store, registry: deps.registry, marketData: deps.marketData, signals: deps.signals, universe: deps.universe, log };
  const started = performance.now();
  await runTrainJob({ task: 'train', plan: base }, jobDeps);
  const first = await decidePromotion({ plan: base, executionId: 'bench-current-agent' }, { store: deps.store, registry: deps.registry, promotion: SETTINGS });
  if (!first.promoted) throw new Error(`the current agent was not promoted: ${first.reason}`);
  const decided: Decided[] = [];
  for (let i = 1; i <= AGENT_CHALLENGERS; i++) {
    const plan = variant(base, { seed: seedOf(i) });
    const trained = await runTrainJob({ task: 'train', plan }, jobDeps);
    if (trained.task !== 'train') throw new Error('expected a train result');
    const outcome = await decideAndRestore(deps, plan, base.version);
    decided.push({ plan, outcome, comparison: trained.comparison });
    log(`agent null ${i}: seed ${seedOf(i)} ${outcome.rule} p=${outcome.test?.p_value.toFixed(3) ?? '-'}`);
  }
  const weeks = decided[0]?.outcome.test?.weeks;
  process.stdout.write(
    `agent null experiment (${AGENT_CHALLENGERS} seeds against seed ${seed}; paired Sharpe test on ${weeks ? `${weeks.count} weekly returns ${weeks.first}..${weeks.last}` : 'the weekly returns'}, one-sided level ${SETTINGS.level}; the old rule: a higher eval_sharpe):\n`,
  );
  summary('promotion_null_ppo', decided);
  line('promotion_null_ppo_seconds', ((performance.now() - started) / 1000).toFixed(1), 's');
}

const dataDir = await mkdtemp(join(tmpdir(), 'mizan-bench-promotion-'));
const verbose = process.env.MIZAN_BENCH_VERBOSE === '1';
const log = (text: string) => {
  if (verbose) process.stderr.write(`${text}\n`);
};
try {
  await initBackend();
  const deps = await localDeps({ dataDir });
  process.stdout.write(`promotion rule: one-sided level ${SETTINGS.level}, age rule after ${SETTINGS.maxAgeWeeks} weeks (not triggered: every challenger has the current model's window), at least ${SETTINGS.minWeeks} weeks; agents: a Sharpe gain above ${SETTINGS.minSharpeGain}\n`);
  await forecasterExperiments(deps, log);
  if (!options['forecasters-only']) await agentExperiment(deps, log);
} finally {
  if (options.keep) process.stderr.write(`scratch data dir kept: ${dataDir}\n`);
  else await rm(dataDir, { recursive: true, force: true });
}
