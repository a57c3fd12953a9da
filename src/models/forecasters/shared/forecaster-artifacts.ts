/**
 * A forecaster as files, in the standard TensorFlow.js layers format, without tfjs-node:
 * model.json (topology + weightsManifest → weights.bin), weights.bin, scaler.json, config.json.
 * Pure: bytes in, bytes out; writing them (and metadata.json last) is the caller's job.
 */
import { tf } from '../../../ml/backend.ts';
import { StandardScaler } from '../../../ml/scaler.ts';
import '../../../ml/seeded-dropout.ts'; // registers SeededDropout; a kind with other custom layers registers them in its model module
import type { ForecasterTrainingConfig } from './forecaster-config.ts';
import type { LoadedForecaster, TargetScale } from './forecaster-types.ts';

export const FORECASTER_FILES = ['model.json', 'weights.bin', 'scaler.json', 'config.json'] as const;
export type ForecasterFileName = (typeof FORECASTER_FILES)[number];

const WEIGHTS_FILE = 'weights.bin';
const CONFIG_KEYS: (keyof ForecasterTrainingConfig)[] = ['lookbackDays', 'learningRate', 'batchSize', 'maxEpochs', 'patience', 'trainFraction', 'gapWeeks', 'seed'];

export async function serializeForecaster(forecaster: LoadedForecaster): Promise<Record<ForecasterFileName, Uint8Array>> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await forecaster.model.save(
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
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs }],
  };
  return {
    'model.json': jsonBytes(modelJson),
    'weights.bin': weights,
    // The target scale travels with the feature scaler: both are fit on the training rows only.
    'scaler.json': jsonBytes({ ...forecaster.scaler.toJSON(), target: forecaster.target }),
    'config.json': jsonBytes(forecaster.config),
  };
}

export async function deserializeForecaster(files: Readonly<Record<string, Uint8Array>>): Promise<LoadedForecaster> {
  for (const name of FORECASTER_FILES) if (!files[name]) throw new Error(`forecaster artifacts lack ${name}`);
  const modelJson = parseJson('model.json', files['model.json']) as Partial<tf.io.ModelJSON>;
  const manifest = modelJson.weightsManifest;
  if (!modelJson.modelTopology || !Array.isArray(manifest) || manifest.length !== 1 || manifest[0].paths.join() !== WEIGHTS_FILE) {
    throw new Error(`model.json must hold a modelTopology and one weightsManifest group pointing at ${WEIGHTS_FILE}`);
  }
  const bin = files['weights.bin'];
  const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer;
  const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: manifest[0].weights, weightData }));
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
