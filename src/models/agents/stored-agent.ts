/**
 * A committed agent as the trainers read it back (the base of a fine-tune, the current agent in a
 * comparison): its algorithm's files (one agent, or a policy ensemble's members: ensemble-files.ts),
 * the panel transform it was trained with (and its symbols, in their order), its config and the last
 * week it trained on.
 */
import { readModelFiles, versionPrefix } from '../artifacts/model-files.ts';
import type { ArtifactStore } from '../../ports/artifact-store.ts';
import type { PanelTransform } from './env/build-panel.ts';
import type { AgentCommonConfig } from './agent-config.ts';
import type { PortfolioAgent } from './agent-algorithm.ts';
import { deserializeAgentOrEnsemble } from './ensemble-files.ts';
import type { PolicyEnsemble } from './policy-ensemble.ts';

/** The standardiser fitted on the agent's training weeks and the symbols it allocates over, in their order (a stable file name: allocation and the tests read it). */
export const TRANSFORM_FILE = 'panel-transform.json';

export interface StoredTransform extends PanelTransform {
  symbols: string[];
}

export interface StoredAgent<A extends PortfolioAgent> {
  version: string;
  /** The policy as stored: one agent, or an ensemble of `members` (disposing it frees them all). */
  agent: A | PolicyEnsemble<A>;
  /** The agent itself, or the ensemble's members (a fine-tune starts seed i from member i mod K). */
  members: readonly A[];
  transform: StoredTransform;
  config: AgentCommonConfig;
  /** The last week the agent trained on or was chosen on (validation), null when its metadata does not say. */
  trainedThrough: string | null;
}

export function transformFile(transform: StoredTransform): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(transform, null, 2)}\n`);
}

/** The stored transform of a version's files (`label` names the version in errors). */
export function readTransform(files: Readonly<Record<string, Uint8Array>>, label: string): StoredTransform {
  const bytes = files[TRANSFORM_FILE];
  if (!bytes) throw new Error(`${label} lacks ${TRANSFORM_FILE}`);
  const transform = JSON.parse(new TextDecoder().decode(bytes)) as Partial<StoredTransform>;
  if (!Array.isArray(transform.symbols) || transform.symbols.length === 0) throw new Error(`${label}: ${TRANSFORM_FILE} lacks the agent's symbols`);
  return transform as StoredTransform;
}

export async function loadStoredAgent<A extends PortfolioAgent>(
  kind: string,
  version: string,
  store: ArtifactStore,
  deserialize: (files: Readonly<Record<string, Uint8Array>>) => A,
): Promise<StoredAgent<A>> {
  const stored = await readModelFiles(store, versionPrefix(kind, version));
  if (!stored) throw new Error(`${kind} ${version} has no committed files`);
  const transform = readTransform(stored.files, `${kind} ${version}`);
  const config = stored.metadata.config as unknown as AgentCommonConfig;
  // Validation weeks chose the agent's checkpoint: they are not unseen either.
  const split = stored.metadata.split as { train?: { last?: string }; validation?: { last?: string } } | undefined;
  return { version, ...deserializeAgentOrEnsemble(stored.files, deserialize), transform, config, trainedThrough: split?.validation?.last ?? split?.train?.last ?? null };
}
