/**
 * A seed ensemble of forecasters as one tfjs model: the K members (the same network trained with
 * seeds seed, seed + 1, …) nested under one input, their outputs averaged by tfjs's Average layer
 * (Σ members in order, then × 1/K, in float32). It predicts, and `dispose()` frees every member,
 * wherever a single model does, so code that holds a LoadedForecaster needs no change. Its files
 * are the members' own (forecaster-artifacts.ts), never this wrapper's topology.
 */
import { tf } from '../../../ml/backend.ts';

export const ENSEMBLE_NAME = 'seed_ensemble';

/** The members' mean as one model; a single member is returned as it is. */
export function combineMembers(members: readonly tf.LayersModel[]): tf.LayersModel {
  if (members.length === 0) throw new Error('a seed ensemble needs at least one member');
  if (members.length === 1) return members[0];
  // Layer names must be unique in a model, and every member carries its kind's name.
  members.forEach((m, i) => ((m as { name: string }).name = `seed_member_${i + 1}`));
  const shape = members[0].inputs[0].shape.slice(1) as number[];
  const input = tf.input({ shape });
  const outputs = members.map((m) => m.apply(input) as tf.SymbolicTensor);
  return tf.model({ name: ENSEMBLE_NAME, inputs: input, outputs: tf.layers.average().apply(outputs) as tf.SymbolicTensor });
}

/**
 * What combineMembers' Average layer computes from its members' outputs, in float32: the members
 * summed in order, times 1/K. So the ensemble's outputs on data its members have just predicted
 * cost no second pass through K networks (the tests hold it equal to the ensemble's predict).
 */
export function averageOutputs(members: readonly Float32Array[]): Float32Array {
  if (members.length === 0) throw new Error('an average of no members');
  const inverse = Math.fround(1 / members.length);
  return members[0].map((first, i) => {
    let sum = first;
    for (let k = 1; k < members.length; k++) sum = Math.fround(sum + members[k][i]);
    return Math.fround(sum * inverse);
  });
}

/** The members of a model from combineMembers, in seed order (a single model: itself). */
export function ensembleMembers(model: tf.LayersModel): tf.LayersModel[] {
  if (model.name !== ENSEMBLE_NAME) return [model];
  return model.layers.filter((l): l is tf.LayersModel => l instanceof tf.LayersModel);
}

/** The seeds of a config's members: seed, seed + 1, … (configs stored before issue 19: one). */
export function memberSeeds(config: { seed: number; seedCount?: number }): number[] {
  return Array.from({ length: config.seedCount ?? 1 }, (_, i) => config.seed + i);
}
