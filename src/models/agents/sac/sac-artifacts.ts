/**
 * A SAC agent as files: sac-agent.json (format, dimensions, config, and each tensor's name, shape and
 * offset into the weights) and sac-weights.bin (float32, little-endian, concatenated). The tensors
 * are every network (actor, qf1, qf2, qf1_target, qf2_target), log α and, when the agent carries it,
 * the three Adams' state (`optim.actor.*`, `optim.critic.*`, `optim.alpha.*`: iteration count, then
 * first and second moments), so a fine-tune resumes the optimisers. Pure: bytes in, bytes out.
 */
import { DEFAULT_SAC_CONFIG, SacAgent, type NamedWeights, type SacConfig } from './sac.ts';

export const SAC_FILES = ['sac-agent.json', 'sac-weights.bin'] as const;
export type SacFileName = (typeof SAC_FILES)[number];

const FORMAT = 'mizan-sac-agent/1';

interface AgentJson {
  format: typeof FORMAT;
  obsDim: number;
  actDim: number;
  config: SacConfig;
  tensors: { name: string; shape: number[]; offset: number }[];
}

export function serializeSacAgent(agent: SacAgent): Record<SacFileName, Uint8Array> {
  const weights = [...agent.exportWeights(), ...(agent.optimizerState ?? [])];
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
  return { 'sac-agent.json': new TextEncoder().encode(`${JSON.stringify(json, null, 2)}\n`), 'sac-weights.bin': bin };
}

export function deserializeSacAgent(files: Readonly<Record<string, Uint8Array>>): SacAgent {
  for (const name of SAC_FILES) if (!files[name]) throw new Error(`SAC agent files lack ${name}`);
  let json: AgentJson;
  try {
    json = JSON.parse(new TextDecoder().decode(files['sac-agent.json'])) as AgentJson;
  } catch (error) {
    throw new Error(`sac-agent.json is not valid JSON: ${(error as Error).message}`);
  }
  if (json?.format !== FORMAT) throw new Error(`sac-agent.json has format ${String(json?.format)}, expected ${FORMAT}`);
  if (!Number.isInteger(json.obsDim) || !Number.isInteger(json.actDim) || !Array.isArray(json.tensors)) throw new Error('sac-agent.json lacks obsDim, actDim or tensors');
  const bin = files['sac-weights.bin'];
  const view = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
  const weights: NamedWeights[] = json.tensors.map(({ name, shape, offset }) => {
    const size = shape.reduce((a, b) => a * b, 1);
    if ((offset + size) * 4 > bin.byteLength) throw new Error(`sac-weights.bin is too short for ${name}`);
    return { name, shape, values: Float32Array.from({ length: size }, (_, i) => view.getFloat32((offset + i) * 4, true)) };
  });
  // Config keys added after an agent was saved take their defaults.
  const agent = SacAgent.fromWeights(json.obsDim, json.actDim, { ...DEFAULT_SAC_CONFIG, ...json.config }, weights);
  const optimizerState = weights.filter((w) => w.name.startsWith('optim.'));
  agent.optimizerState = optimizerState.length > 0 ? optimizerState : null;
  return agent;
}
