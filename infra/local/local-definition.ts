/**
 * The TrainModel ASL the local runner executes: the rendered deployed definition, plus one
 * local-only adjustment. aws-local-stepfunctions times out every Task after 60 s unless it has
 * `TimeoutSeconds`; the Batch tasks carry their limit as the job's `Timeout.AttemptDurationSeconds`
 * (which only Batch reads), so the local copy gets it as `TimeoutSeconds` too.
 */
import { renderTrainModelAsl, type Json, type RenderOptions } from '../state-machine/render-asl.ts';
import { BATCH_TASK_TIMEOUT } from '../state-machine/train-model-definition.ts';

type JsonObject = { [key: string]: Json };

export function localTrainModelDefinition(options: RenderOptions = {}): JsonObject {
  const asl = structuredClone(renderTrainModelAsl(options));
  injectTaskTimeouts(asl);
  return asl;
}

function injectTaskTimeouts(machine: JsonObject): void {
  const states = machine.States as Record<string, JsonObject>;
  for (const state of Object.values(states)) {
    if (state.Type === 'Task' && state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined) {
      const parameters = state.Parameters as JsonObject | undefined;
      const batchTimeout = (parameters?.Timeout as JsonObject | undefined)?.AttemptDurationSeconds;
      state.TimeoutSeconds = typeof batchTimeout === 'number' ? batchTimeout : BATCH_TASK_TIMEOUT.toSeconds();
    }
    for (const nested of [state.ItemProcessor, state.Iterator]) {
      if (nested && typeof nested === 'object' && !Array.isArray(nested)) injectTaskTimeouts(nested);
    }
    if (Array.isArray(state.Branches)) for (const branch of state.Branches) injectTaskTimeouts(branch as JsonObject);
  }
}
