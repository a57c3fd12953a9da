/**
 * The registry of model kinds: one entry per kind that mizan can train. A new kind adds its folder
 * under src/models/ (config, spec, module) and one line here; the pipeline, the state machine
 * steps, snapshots and the API dispatch through this table.
 */
import type { ModelKind } from '../config/model-kinds.ts';
import { TrainerNotImplementedError } from '../pipeline/errors.ts';
import { CODE_VERSIONS } from './code-versions.generated.ts';
import type { KindSpec } from './kind-spec.ts';
import { lstmSpec } from './forecasters/lstm/lstm-spec.ts';
import { patchtstSpec } from './forecasters/patchtst/patchtst-spec.ts';
import { ppoLstmSpec, ppoPatchtstSpec } from './agents/ppo/ppo-spec.ts';
import { sacLstmSpec, sacPatchtstSpec } from './agents/sac/sac-spec.ts';

export const KIND_SPECS: Partial<Record<ModelKind, KindSpec>> = {
  lstm: lstmSpec as unknown as KindSpec,
  patchtst: patchtstSpec as unknown as KindSpec,
  ppo_lstm: ppoLstmSpec as unknown as KindSpec,
  ppo_patchtst: ppoPatchtstSpec as unknown as KindSpec,
  sac_lstm: sacLstmSpec as unknown as KindSpec,
  sac_patchtst: sacPatchtstSpec as unknown as KindSpec,
};

export function kindSpec(kind: ModelKind): KindSpec {
  const spec = KIND_SPECS[kind];
  if (!spec) throw new TrainerNotImplementedError(`no ${kind} trainer in this version of mizan (kinds that train: ${Object.keys(KIND_SPECS).join(', ')})`);
  return spec;
}

/** The kind's trainer code version: a hash of its training sources (scripts/code-versions.ts writes them; a test keeps them fresh). */
export function codeVersion(kind: ModelKind): string {
  const version = CODE_VERSIONS[kind];
  if (!version) throw new Error(`no code version for ${kind}: run node bin/run-ts.mjs scripts/code-versions.ts`);
  return version;
}
