/**
 * A PPO agent as files: ppo-agent.json (format, dimensions, config, and each tensor's name, shape and
 * offset into the weights) and ppo-weights.bin (float32, little-endian, concatenated). Restoring
 * gives back the actor, the critic and the log-std; Adam's state is not saved (a fine-tune starts a
 * fresh optimiser). Pure: bytes in, bytes out; writing them is the caller's job.
 */
import { DEFAULT_PPO_CONFIG, PpoAgent, type NamedWeights, type PpoConfig } from './ppo.ts';

export const PPO_FILES = ['ppo-agent.json', 'ppo-weights.bin'] as const;
export type PpoFileName = (typeof PPO_FILES)[number];

const FORMAT = 'mizan-ppo-agent/1';

interface AgentJson {
  format: typeof FORMAT;
  obsDim: number;
  actDim: number;
  config: PpoConfig;
  tensors: { name: string; shape: number[]; offset: number }[];
}

export function serializePpoAgent(agent: PpoAgent): Record<PpoFileName, Uint8Array> {
  const weights = agent.exportWeights();
  const total = weights.reduce((s, w) => s + w.values.length, 0);
  const bin = new Uint8Array(total * 4);
  const view = new DataView(bin.buffer);
  const tensors: AgentJson['tensors'] = [];
  let offset = 0;
  for (const w of weights) {
    tensors.push({ name: w.name, shape: w.shape, offset });
    w.values.forEach((v, i) => view.setFloat32((offset + i) * 4, v, true));
    offset += w.values.length;
  }
  const json: AgentJson = { format: FORMAT, obsDim: agent.obsDim, actDim: agent.actDim, config: { ...agent.config }, tensors };
  return { 'ppo-agent.json': new TextEncoder().encode(`${JSON.stringify(json, null, 2)}\n`), 'ppo-weights.bin': bin };
}

export function deserializePpoAgent(files: Readonly<Record<string, Uint8Array>>): PpoAgent {
  for (const name of PPO_FILES) if (!files[name]) throw new Error(`PPO agent files lack ${name}`);
  let json: AgentJson;
  try {
    json = JSON.parse(new TextDecoder().decode(files['ppo-agent.json'])) as AgentJson;
  } catch (error) {
    throw new Error(`ppo-agent.json is not valid JSON: ${(error as Error).message}`);
  }
  if (json?.format !== FORMAT) throw new Error(`ppo-agent.json has format ${String(json?.format)}, expected ${FORMAT}`);
  if (!Number.isInteger(json.obsDim) || !Number.isInteger(json.actDim) || !Array.isArray(json.tensors)) throw new Error('ppo-agent.json lacks obsDim, actDim or tensors');
  const bin = files['ppo-weights.bin'];
  const view = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
  const weights: NamedWeights[] = json.tensors.map(({ name, shape, offset }) => {
    const size = shape.reduce((a, b) => a * b, 1);
    if ((offset + size) * 4 > bin.byteLength) throw new Error(`ppo-weights.bin is too short for ${name}`);
    return { name, shape, values: Float32Array.from({ length: size }, (_, i) => view.getFloat32((offset + i) * 4, true)) };
  });
  // Config keys added after an agent was saved take their defaults.
  return PpoAgent.fromWeights(json.obsDim, json.actDim, { ...DEFAULT_PPO_CONFIG, ...json.config }, weights);
}
