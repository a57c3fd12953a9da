/**
 * The forecasts a kind reads of a forecaster (an agent's panel), assembled over the forecaster's
 * snapshots: the weeks after the oldest snapshot's cutoff, each forecast by the latest snapshot
 * before it (walk-forward.ts); only when the forecaster has no snapshots at all and the request
 * allows it, every week by its current (final) model, which has seen them. The models are handed the
 * ForecastReader this makes (src/models/forecasts.ts) and never read snapshots themselves.
 */
import { UserInputError } from '../config/errors.ts';
import { addDays } from '../data/dates.ts';
import type { ForecastReader, ForecastRequest, Forecasts, ForecasterData } from '../models/forecasts.ts';
import type { ArtifactStore } from '../ports/artifact-store.ts';
import type { ModelRegistry } from '../ports/model-registry.ts';
import { readAllSnapshotMetadata } from './list-snapshots.ts';
import { walkForwardForecasts } from './walk-forward.ts';

/** A ForecastReader on the forecasters' snapshots and current models of `deps`. */
export function forecastReader(deps: { store: ArtifactStore; registry: ModelRegistry }): ForecastReader {
  return (request, data) => readForecasts(request, { ...deps, ...data });
}

export async function readForecasts(request: ForecastRequest, deps: { store: ArtifactStore; registry: ModelRegistry } & ForecasterData): Promise<Forecasts> {
  const { forecaster, symbols, window } = request;
  const snapshots = await readAllSnapshotMetadata(deps.store, forecaster);
  const finalModel = snapshots.length === 0 && request.allowFinalModel;
  if (snapshots.length === 0 && !finalModel) {
    throw new UserInputError(
      `no ${forecaster} snapshots: an agent reads walk-forward forecasts; make them first with \`mizan train ${forecaster}\` (without --skip-snapshot)` +
        ` or POST /train/${forecaster}/full (or accept the final model, which has seen the evaluation weeks: --allow-final-model, {"allow_final_model": true})`,
    );
  }
  if (finalModel && !(await deps.registry.current(forecaster))) {
    throw new UserInputError(`no ${forecaster} snapshots and no current ${forecaster} model to fall back on: train one first with \`mizan train ${forecaster}\` or POST /train/${forecaster}/full`);
  }
  // Weeks no snapshot covers are left out: start after the oldest snapshot's cutoff (the final model covers every week).
  const yearEnds = snapshots.map((s) => s.year_end);
  const from = finalModel ? window.start : [window.start, addDays(yearEnds[0], 1)].sort()[1];
  if (from > window.end) throw new UserInputError(`no ${forecaster} snapshot is older than the window ${window.start}..${window.end} (snapshots: ${yearEnds.join(', ')})`);
  const rows = await walkForwardForecasts({ kind: forecaster, symbols, from, to: window.end, allowFinalModel: finalModel }, deps);
  return { rows, walkForward: finalModel ? 'final_model' : 'snapshots' };
}
