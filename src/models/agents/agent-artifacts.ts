/**
 * An agent as two files, the same layout for every algorithm: <algo>-agent.json (format, dimensions,
 * config, and each tensor's name, shape and offset into the weights) and <algo>-weights.bin
 * (float32, little-endian, concatenated). Pure: bytes in, bytes out; building the agent from what is
 * read, and writing the files, are the caller's.
 */

/** A tensor's name, shape and values: an agent's weights as plain data (for saving and cloning). */
export interface NamedWeights {
  name: string;
  shape: number[];
  values: Float32Array;
}

/** One algorithm's file names and format tag, e.g. PPO: ppo-agent.json, ppo-weights.bin, mizan-ppo-agent/1. */
export interface AgentFileLayout<J extends string, B extends string> {
  /** Names the algorithm in errors ("PPO agent files lack …"). */
  label: string;
  format: string;
  json: J;
  bin: B;
}

/** What the files hold: the agent's dimensions, its config as saved, and every tensor. */
export interface SavedAgent<C> {
  obsDim: number;
  actDim: number;
  config: C;
  weights: NamedWeights[];
}

interface AgentJson<C> {
  format: string;
  obsDim: number;
  actDim: number;
  config: C;
  tensors: { name: string; shape: number[]; offset: number }[];
}

export function serializeAgentFiles<J extends string, B extends string, C extends object>(layout: AgentFileLayout<J, B>, agent: SavedAgent<C>): Record<J | B, Uint8Array> {
  const { weights } = agent;
  const total = weights.reduce((s, w) => s + w.values.length, 0);
  const bin = new Uint8Array(total * 4);
  const view = new DataView(bin.buffer);
  const tensors: AgentJson<C>['tensors'] = [];
  let offset = 0;
  for (const w of weights) {
    tensors.push({ name: w.name, shape: w.shape, offset });
    w.values.forEach((v, i) => view.setFloat32((offset + i) * 4, v, true));
    offset += w.values.length;
  }
  const json: AgentJson<C> = { format: layout.format, obsDim: agent.obsDim, actDim: agent.actDim, config: { ...agent.config }, tensors };
  return { [layout.json]: new TextEncoder().encode(`${JSON.stringify(json, null, 2)}\n`), [layout.bin]: bin } as Record<J | B, Uint8Array>;
}

/** Reads the files back; throws naming the file when one is missing, malformed or too short. The config is as saved (keys added since are absent). */
export function deserializeAgentFiles<C>(layout: AgentFileLayout<string, string>, files: Readonly<Record<string, Uint8Array>>): SavedAgent<C> {
  for (const name of [layout.json, layout.bin]) if (!files[name]) throw new Error(`${layout.label} agent files lack ${name}`);
  let json: AgentJson<C>;
  try {
    json = JSON.parse(new TextDecoder().decode(files[layout.json])) as AgentJson<C>;
  } catch (error) {
    throw new Error(`${layout.json} is not valid JSON: ${(error as Error).message}`);
  }
  if (json?.format !== layout.format) throw new Error(`${layout.json} has format ${String(json?.format)}, expected ${layout.format}`);
  if (!Number.isInteger(json.obsDim) || !Number.isInteger(json.actDim) || !Array.isArray(json.tensors)) throw new Error(`${layout.json} lacks obsDim, actDim or tensors`);
  const bin = files[layout.bin];
  const view = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
  const weights: NamedWeights[] = json.tensors.map(({ name, shape, offset }) => {
    const size = shape.reduce((a, b) => a * b, 1);
    if ((offset + size) * 4 > bin.byteLength) throw new Error(`${layout.bin} is too short for ${name}`);
    return { name, shape, values: Float32Array.from({ length: size }, (_, i) => view.getFloat32((offset + i) * 4, true)) };
  });
  return { obsDim: json.obsDim, actDim: json.actDim, config: json.config, weights };
}
