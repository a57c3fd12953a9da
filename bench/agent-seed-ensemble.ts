/**
 * Issue 19: the best validation seed or the ensemble of all K (averaged logits)? Trains one agent
 * kind with the `local` profile (K = its seeds, 5) once per base seed (seeds base, base + 1, …) and
 * prints, per run, both candidates' validation and test Sharpe, equal weight's, and the paired
 * Jobson–Korkie–Memmel p-value of the ensemble against the best seed on the test weeks (one-sided:
 * is the ensemble better?), as every run records them (metadata seeds.candidates). The choice is
 * made on the test weeks over several runs: on one run's validation weeks the best seed's Sharpe is
 * the maximum of K, biased upwards.
 * Usage: node bin/run-ts.mjs bench/agent-seed-ensemble.ts KIND DATA_DIR BASE_SEED...
 * DATA_DIR needs the forecaster's snapshots (models/snapshots/<forecaster>/); the trainer writes each
 * version's files there (not registered). One JSON line per run on stdout, then a summary line.
 * MIZAN_BENCH_COMBINE=ensemble stores the ensemble instead of the best seed, so that the version's
 * metadata (evaluation.agent_weights) holds the ensemble's weekly weights to read.
 */
import { loadavg } from 'node:os';
import { localDeps } from '../src/runtime/local-deps.ts';
import { resolveTrainingPlan } from '../src/pipeline/resolve-plan.ts';
import { kindSpec } from '../src/models/kinds.ts';
import { forecastReader } from '../src/snapshots/read-forecasts.ts';
import { initBackend } from '../src/ml/backend.ts';
import { computeVersion } from '../src/registry/version.ts';
import { readModelFiles, versionPrefix } from '../src/models/artifacts/model-files.ts';
import type { ModelKind } from '../src/config/model-kinds.ts';
import type { SeedCandidates } from '../src/models/agents/seed-combination.ts';

const [kind, dataDir, ...bases] = process.argv.slice(2) as [ModelKind, string, ...string[]];
if (!kind || !dataDir || bases.length === 0) throw new Error('usage: bench/agent-seed-ensemble.ts KIND DATA_DIR BASE_SEED...');
const deps = await localDeps({ dataDir });
const backend = await initBackend((l) => console.error(l));
const trainer = await kindSpec(kind).loadTrainer();
const planned = await resolveTrainingPlan({ kind, mode: 'full', profile: 'local' }, deps);
const rows: { best: number; ensemble: number }[] = [];

for (const base of bases.map(Number)) {
  const { version: _v, snapshotYearEnds, ...inputs } = planned;
  const combine = process.env.MIZAN_BENCH_COMBINE ? { combineSeeds: process.env.MIZAN_BENCH_COMBINE } : {};
  const next = { ...inputs, config: { ...inputs.config, ...combine, seed: base } };
  const plan = { ...next, version: computeVersion(next), snapshotYearEnds };
  const started = Date.now();
  const out = await trainer.train(plan, { ...deps, backend, forecasts: forecastReader(deps), log: (l) => console.error(l) });
  const meta = (await readModelFiles(deps.store, versionPrefix(kind, plan.version)))!.metadata as unknown as { seeds: { count: number; combine: string; candidates: SeedCandidates } };
  const c = meta.seeds.candidates;
  const m = out.metrics;
  rows.push({ best: c.best_val.eval_sharpe, ensemble: c.ensemble.eval_sharpe });
  console.log(
    JSON.stringify({
      kind,
      base_seed: base,
      seeds: meta.seeds.count,
      stored: meta.seeds.combine,
      version: plan.version,
      seconds: (Date.now() - started) / 1000,
      load: loadavg()[0],
      best_seed: c.best_val.seed,
      best_val_sharpe: c.best_val.val_sharpe,
      best_eval_sharpe: c.best_val.eval_sharpe,
      best_eval_interval: c.best_val.eval_interval,
      ensemble_val_sharpe: c.ensemble.val_sharpe,
      ensemble_eval_sharpe: c.ensemble.eval_sharpe,
      ensemble_eval_interval: c.ensemble.eval_interval,
      ensemble_vs_best_p: c.ensemble.vs_best_seed?.p_value ?? null,
      equal_weight_sharpe: m.benchmark_sharpe,
      inverse_vol_sharpe: m.inverse_vol_sharpe,
      eval_weeks: m.eval_weeks,
    }),
  );
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log(
  JSON.stringify({
    kind,
    runs: rows.length,
    mean_best_eval_sharpe: mean(rows.map((r) => r.best)),
    mean_ensemble_eval_sharpe: mean(rows.map((r) => r.ensemble)),
    ensemble_higher: rows.filter((r) => r.ensemble > r.best).length,
  }),
);
