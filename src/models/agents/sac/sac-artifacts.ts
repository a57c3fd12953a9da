/**
 * A SAC agent as files (../agent-artifacts.ts): sac-agent.json and sac-weights.bin. The tensors are
 * every network (actor, qf1, qf2, qf1_target, qf2_target), log α and, when the agent carries it, the
 * three Adams' state (`optim.actor.*`, `optim.critic.*`, `optim.alpha.*`: iteration count, then
 * first and second moments), so a fine-tune resumes the optimisers. Pure: bytes in, bytes out.
 */
import { deserializeAgentFiles, serializeAgentFiles, type AgentFileLayout } from '../agent-artifacts.ts';
import { DEFAULT_SAC_CONFIG, SacAgent, type SacConfig } from './sac.ts';

const LAYOUT = { label: 'SAC', format: 'mizan-sac-agent/1', json: 'sac-agent.json', bin: 'sac-weights.bin' } as const satisfies AgentFileLayout<string, string>;

export const SAC_FILES = [LAYOUT.json, LAYOUT.bin] as const;
export type SacFileName = (typeof SAC_FILES)[number];

export function serializeSacAgent(agent: SacAgent): Record<SacFileName, Uint8Array> {
  const weights = [...agent.exportWeights(), ...(agent.optimizerState ?? [])];
  return serializeAgentFiles(LAYOUT, { obsDim: agent.obsDim, actDim: agent.actDim, config: agent.config, weights });
}

export function deserializeSacAgent(files: Readonly<Record<string, Uint8Array>>): SacAgent {
  const saved = deserializeAgentFiles<SacConfig>(LAYOUT, files);
  // Config keys added after an agent was saved take their defaults.
  const agent = SacAgent.fromWeights(saved.obsDim, saved.actDim, { ...DEFAULT_SAC_CONFIG, ...saved.config }, saved.weights);
  const optimizerState = saved.weights.filter((w) => w.name.startsWith('optim.'));
  agent.optimizerState = optimizerState.length > 0 ? optimizerState : null;
  return agent;
}
