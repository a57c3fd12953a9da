/**
 * A PPO agent as files (../agent-artifacts.ts): ppo-agent.json and ppo-weights.bin. Restoring gives
 * back the actor, the critic and the log-std; Adam's state is not saved (a fine-tune starts a fresh
 * optimiser). Pure: bytes in, bytes out; writing them is the caller's job.
 */
import { deserializeAgentFiles, serializeAgentFiles, type AgentFileLayout } from '../agent-artifacts.ts';
import { DEFAULT_PPO_CONFIG, PpoAgent, type PpoConfig } from './ppo.ts';

const LAYOUT = { label: 'PPO', format: 'mizan-ppo-agent/1', json: 'ppo-agent.json', bin: 'ppo-weights.bin' } as const satisfies AgentFileLayout<string, string>;

export const PPO_FILES = [LAYOUT.json, LAYOUT.bin] as const;
export type PpoFileName = (typeof PPO_FILES)[number];

export function serializePpoAgent(agent: PpoAgent): Record<PpoFileName, Uint8Array> {
  return serializeAgentFiles(LAYOUT, { obsDim: agent.obsDim, actDim: agent.actDim, config: agent.config, weights: agent.exportWeights() });
}

export function deserializePpoAgent(files: Readonly<Record<string, Uint8Array>>): PpoAgent {
  const saved = deserializeAgentFiles<PpoConfig>(LAYOUT, files);
  // Config keys added after an agent was saved take their defaults.
  return PpoAgent.fromWeights(saved.obsDim, saved.actDim, { ...DEFAULT_PPO_CONFIG, ...saved.config }, saved.weights);
}
