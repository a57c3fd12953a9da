/**
 * A forecaster as files, in the standard TensorFlow.js layers format, without tfjs-node:
 * model.json (topology + weightsManifest → weights.bin), weights.bin, scaler.json, config.json.
 * A seed ensemble adds its other members as model-{k}.json + weights-{k}.bin (k = 2…K, each a
 * standard layers model) and ensemble.json listing them all; the members share the scaler, the
 * target scale and the config (the base seed and seedCount). Files without ensemble.json (every
 * forecaster stored before issue 19) are one model. Pure: bytes in, bytes out; writing them (and
 * metadata.json last) is the caller's job.
 */
import { tf } from '../../../ml/backend.ts';
import { StandardScaler } from '../../../ml/scaler.ts';
import '../../../ml/seeded-dropout.ts'; // registers SeededDropout; a kind with other custom layers registers them in its model module
import type { ForecasterTrainingConfig } from './forecaster-config.ts';
import type { LoadedForecaster, TargetScale } from './forecaster-types.ts';
import { combineMembers, ensembleMembers } from './seed-ensemble.ts';

export const FORECASTER_FILES = ['model.json', 'weights.bin', 'scaler.json', 'config.json'] as const;
export type ForecasterFileName = (typeof FORECASTER_FILES)[number];

export const ENSEMBLE_FILE = 'ensemble.json';

/** A seed ensemble's members (in seed order) and how their predictions combine. */
interface EnsembleJson {
  combine: 'mean';
  members: { model: string; weights: string }[];
}

/** Member k's files (1-based): the first keeps the single model's names, so one-model readers still find a model. */
function memberFiles(k: number): { model: string; weights: string } {
  return k === 1 ? { model: 'model.json', weights: 'weights.bin' } : { model: `model-${k}.json`, weights: `weights-${k}.bin` };
}

const CONFIG_KEYS: (keyof ForecasterTrainingConfig)[] = ['lookbackDays', 'learningRate', 'batchSize', 'maxEpochs', 'patience', 'trainFraction', 'gapWeeks', 'seed'];

export async function serializeForecaster(forecaster: LoadedForecaster): Promise<Record<string, Uint8Array>> {
  const members = ensembleMembers(forecaster.model);
  const files: Record<string, Uint8Array> = {};
  for (const [i, member] of members.entries()) {
    const names = memberFiles(i + 1);
    const { modelJson, weights } = await serializeNetwork(member, names.weights);
    files[names.model] = modelJson;
    files[names.weights] = weights;
  }
  if (members.length > 1) {
    const ensemble: EnsembleJson = { combine: 'mean', members: members.map((_, i) => memberFiles(i + 1)) };
    files[ENSEMBLE_FILE] = jsonBytes(ensemble);
  }
  // The target scale travels with the feature scaler: both are fit on the training rows only.
  files['scaler.json'] = jsonBytes({ ...forecaster.scaler.toJSON(), target: forecaster.target });
  files['config.json'] = jsonBytes(forecaster.config);
  return files;
}

/** One network's model.json (its manifest pointing at `weightsFile`) and weights. */
async function serializeNetwork(model: tf.LayersModel, weightsFile: string): Promise<{ modelJson: Uint8Array; weights: Uint8Array }> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
    }),
  );
  if (!artifacts?.modelTopology || !artifacts.weightSpecs || !artifacts.weightData) throw new Error('tfjs returned no model artifacts to serialise');
  const weights = new Uint8Array(new tf.io.CompositeArrayBuffer(artifacts.weightData).slice());
  const modelJson: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology,
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: null,
    weightsManifest: [{ paths: [weightsFile], weights: artifacts.weightSpecs }],
  };
  return { modelJson: jsonBytes(modelJson), weights };
}

export async function deserializeForecaster(files: Readonly<Record<string, Uint8Array>>): Promise<LoadedForecaster> {
  for (const name of FORECASTER_FILES) if (!files[name]) throw new Error(`forecaster artifacts lack ${name}`);
  const model = await loadNetworks(files);
  try {
    const scalerJson = parseJson('scaler.json', files['scaler.json']);
    return {
      model,
      scaler: StandardScaler.fromJSON(scalerJson),
      config: parseConfig(parseJson('config.json', files['config.json'])),
      target: parseTarget((scalerJson as { target?: unknown }).target),
    };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/** The one network, or every member of the ensemble.json combined (any member that fails to load frees the others). */
async function loadNetworks(files: Readonly<Record<string, Uint8Array>>): Promise<tf.LayersModel> {
  if (!files[ENSEMBLE_FILE]) return loadNetwork(files, memberFiles(1));
  const ensemble = parseJson(ENSEMBLE_FILE, files[ENSEMBLE_FILE]) as Partial<EnsembleJson> | null;
  if (ensemble?.combine !== 'mean' || !Array.isArray(ensemble.members) || ensemble.members.length < 2) {
    throw new Error(`${ENSEMBLE_FILE} must list at least two members combined by 'mean'`);
  }
  const members: tf.LayersModel[] = [];
  try {
    for (const names of ensemble.members) {
      for (const name of [names.model, names.weights]) if (typeof name !== 'string' || !files[name]) throw new Error(`forecaster artifacts lack ${String(name)}, a member listed in ${ENSEMBLE_FILE}`);
      members.push(await loadNetwork(files, names));
    }
    return combineMembers(members);
  } catch (error) {
    for (const m of members) m.dispose();
    throw error;
  }
}

async function loadNetwork(files: Readonly<Record<string, Uint8Array>>, names: { model: string; weights: string }): Promise<tf.LayersModel> {
  const modelJson = parseJson(names.model, files[names.model]) as Partial<tf.io.ModelJSON>;
  const manifest = modelJson.weightsManifest;
  if (!modelJson.modelTopology || !Array.isArray(manifest) || manifest.length !== 1 || manifest[0].paths.join() !== names.weights) {
    throw new Error(`${names.model} must hold a modelTopology and one weightsManifest group pointing at ${names.weights}`);
  }
  const bin = files[names.weights];
  const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer;
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: manifest[0].weights, weightData }));
}

function parseConfig(json: unknown): ForecasterTrainingConfig {
  const c = json as Record<string, unknown> | null;
  const missing = CONFIG_KEYS.filter((k) => typeof c?.[k] !== 'number' || !Number.isFinite(c[k]));
  if (missing.length > 0) throw new Error(`config.json lacks numeric ${missing.join(', ')}`);
  return c as unknown as ForecasterTrainingConfig;
}

/** Models saved before targets could be scaled have none: the identity. */
function parseTarget(json: unknown): TargetScale {
  if (json === undefined) return { mean: 0, std: 1 };
  const t = json as Partial<TargetScale> | null;
  if (typeof t?.mean !== 'number' || typeof t.std !== 'number' || !Number.isFinite(t.mean) || !(t.std > 0)) {
    throw new Error('scaler.json has an invalid target scale (mean, std > 0)');
  }
  return { mean: t.mean, std: t.std };
}

function parseJson(name: string, bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new Error(`${name} is not valid JSON: ${(error as Error).message}`);
  }
}

function jsonBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
}
