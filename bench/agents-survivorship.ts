/**
 * Issue 19, survivorship measured: one agent kind (local profile) trained with the point-in-time
 * universe (the plan as resolved) and with today's (the window end's top 15), same code otherwise.
 * Usage: node bin/run-ts.mjs bench/agents-survivorship.ts KIND pit|today DATA_DIR
 * DATA_DIR needs the forecaster's snapshots (models/snapshots/<forecaster>/); the trainer writes the
 * version's files there (not registered). Prints one JSON line: the Sharpe ratios side by side.
 */
import { localDeps } from '../src/runtime/local-deps.ts';
import { resolveTrainingPlan } from '../src/pipeline/resolve-plan.ts';
import { kindSpec } from '../src/models/kinds.ts';
import { forecastReader } from '../src/snapshots/read-forecasts.ts';
import { initBackend } from '../src/ml/backend.ts';
import { computeVersion } from '../src/registry/version.ts';
import type { ModelKind } from '../src/config/model-kinds.ts';

const [kind, which, dataDir] = process.argv.slice(2) as [ModelKind, 'pit' | 'today', string];
const deps = await localDeps({ dataDir });
const backend = await initBackend((l) => console.error(l));

let plan = await resolveTrainingPlan({ kind, mode: 'full', profile: 'local' }, deps);
if (which === 'today') {
  const symbols = (await deps.universe.halalSymbols(plan.window.end)).slice(0, 15).sort();
  const { universeAsOf: _drop, ...config } = plan.config as Record<string, unknown>;
  const { version: _v, snapshotYearEnds, ...inputs } = plan;
  const next = { ...inputs, symbols, config };
  plan = { ...next, version: computeVersion(next), snapshotYearEnds };
}
console.error(`${kind} ${which}: symbols ${plan.symbols.join(',')} universeAsOf ${(plan.config as { universeAsOf?: string }).universeAsOf ?? plan.window.end}`);
const started = Date.now();
const trainer = await kindSpec(kind).loadTrainer();
const out = await trainer.train(plan, { ...deps, backend, forecasts: forecastReader(deps), log: (l) => console.error(l) });
const m = out.metrics;
console.log(JSON.stringify({ kind, which, version: plan.version, seconds: (Date.now() - started) / 1000, symbols: plan.symbols, train_sharpe: m.train_sharpe, val_sharpe: m.val_sharpe, eval_sharpe: m.eval_sharpe, benchmark_sharpe: m.benchmark_sharpe, inverse_vol_sharpe: m.inverse_vol_sharpe, eval_weeks: m.eval_weeks, eval_cagr: m.eval_cagr, benchmark_cagr: m.benchmark_cagr }));
