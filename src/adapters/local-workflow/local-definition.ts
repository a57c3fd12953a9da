/**
 * The TrainModel ASL the local runner executes: the committed rendering of the deployed definition
 * (train-model.asl.json, see train-model-asl.ts: read, not rendered, so no aws-cdk-lib at run time),
 * plus two local-only adjustments:
 * - aws-local-stepfunctions times out every Task after 60 s unless it has `TimeoutSeconds`; on AWS a Batch
 *   job's limit is its job definition's (per attempt), which the local trainer processes do not have, so the
 *   local copy gives each Batch task BATCH_TASK_TIMEOUT_SECONDS as `TimeoutSeconds`.
 * - the snapshot backfill's MaxConcurrency, when the runner caps it (e.g. at the core count).
 */
import { BATCH_TASK_TIMEOUT_SECONDS, STATE, type JsonObject } from '../../ports/train-model.ts';
import { readTrainModelAsl } from './train-model-asl.ts';

export interface LocalDefinitionOptions {
  snapshotConcurrency?: number;
}

export function localTrainModelDefinition(options: LocalDefinitionOptions = {}): JsonObject {
  const asl = readTrainModelAsl();
  injectTaskTimeouts(asl);
  if (options.snapshotConcurrency !== undefined) {
    const backfill = (asl.States as Record<string, JsonObject>)[STATE.backfill];
    if (!backfill) throw new Error(`${STATE.backfill} is missing from the committed definition`);
    backfill.MaxConcurrency = options.snapshotConcurrency;
  }
  return asl;
}

function injectTaskTimeouts(machine: JsonObject): void {
  const states = machine.States as Record<string, JsonObject>;
  for (const state of Object.values(states)) {
    if (state.Type === 'Task' && state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined) {
      state.TimeoutSeconds = BATCH_TASK_TIMEOUT_SECONDS;
    }
    for (const nested of [state.ItemProcessor, state.Iterator]) {
      if (nested && typeof nested === 'object' && !Array.isArray(nested)) injectTaskTimeouts(nested);
    }
    if (Array.isArray(state.Branches)) for (const branch of state.Branches) injectTaskTimeouts(branch as JsonObject);
  }
}
