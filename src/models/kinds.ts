/**
 * The registry of model kinds: one line per kind that mizan can train. A new kind adds its folder
 * under src/models/ (config, spec, module) and one line here; the pipeline, the state machine
 * steps, snapshots, the CLI and the API ask the kind's spec (kind-spec.ts) instead of knowing it.
 * Kinds defined outside src/ (a test's) join with registerKind.
 */
import type { AgentKind, ForecasterKind, ModelKind } from '../config/model-kinds.ts';
import { TrainerNotImplementedError } from '../config/errors.ts';
import { CODE_VERSIONS } from './code-versions.generated.ts';
import type { KindSpec } from './kind-spec.ts';
import { lstmSpec } from './forecasters/lstm/lstm-spec.ts';
import { patchtstSpec } from './forecasters/patchtst/patchtst-spec.ts';
import { ppoLstmSpec, ppoPatchtstSpec } from './agents/ppo/ppo-spec.ts';
import { sacLstmSpec, sacPatchtstSpec } from './agents/sac/sac-spec.ts';

export const KIND_SPECS: Record<ModelKind, KindSpec> = {
  lstm: lstmSpec,
  patchtst: patchtstSpec,
  ppo_lstm: ppoLstmSpec,
  ppo_patchtst: ppoPatchtstSpec,
  sac_lstm: sacLstmSpec,
  sac_patchtst: sacPatchtstSpec,
};

/** Every kind, in registry order (live: a registered kind joins it). */
export const MODEL_KINDS: readonly ModelKind[] = [];
/** The kinds with snapshots, whose walk-forward forecasts other kinds read. */
export const FORECASTER_KINDS: readonly ForecasterKind[] = [];
/** The kinds that read a forecaster's forecasts and allocate a portfolio. */
export const AGENT_KINDS: readonly AgentKind[] = [];
/** Code versions of kinds registered from outside src/ (their sources are hashed when they join). */
const REGISTERED_CODE_VERSIONS: Record<ModelKind, string> = {};

for (const spec of Object.values(KIND_SPECS)) list(spec);

function list(spec: KindSpec): void {
  (MODEL_KINDS as ModelKind[]).push(spec.kind);
  if (spec.snapshots) (FORECASTER_KINDS as ForecasterKind[]).push(spec.kind);
  if (spec.forecaster !== undefined) (AGENT_KINDS as AgentKind[]).push(spec.kind);
}

/**
 * Adds a kind defined outside src/ (e.g. a test's) to this process's registry, with the code
 * version of its sources. A process that runs its jobs (a trainer, the CLI, the API) must register
 * it too, before it reads any request.
 */
export function registerKind(spec: KindSpec, codeVersion: string): void {
  if (Object.hasOwn(KIND_SPECS, spec.kind)) throw new Error(`model kind ${spec.kind} is already registered`);
  KIND_SPECS[spec.kind] = spec;
  REGISTERED_CODE_VERSIONS[spec.kind] = codeVersion;
  list(spec);
}

export function isModelKind(value: string): boolean {
  return Object.hasOwn(KIND_SPECS, value);
}
export function isForecasterKind(value: string): boolean {
  return FORECASTER_KINDS.includes(value);
}
export function isAgentKind(value: string): boolean {
  return AGENT_KINDS.includes(value);
}

export function kindSpec(kind: ModelKind): KindSpec {
  const spec = Object.hasOwn(KIND_SPECS, kind) ? KIND_SPECS[kind] : undefined;
  if (!spec) throw new TrainerNotImplementedError(`no ${kind} trainer in this version of mizan (kinds that train: ${MODEL_KINDS.join(', ')})`);
  return spec;
}

/** The kind's trainer code version: a hash of its training sources (scripts/code-versions.ts writes them; a test keeps them fresh). */
export function codeVersion(kind: ModelKind): string {
  const version = Object.hasOwn(CODE_VERSIONS, kind) ? CODE_VERSIONS[kind] : REGISTERED_CODE_VERSIONS[kind];
  if (!version) throw new Error(`no code version for ${kind}: run node bin/run-ts.mjs scripts/code-versions.ts`);
  return version;
}
