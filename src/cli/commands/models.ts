import type { ModelKind } from '../../config/model-kinds.ts';
import { MODEL_KINDS } from '../../models/kinds.ts';
import { readModels } from '../../pipeline/read-models.ts';
import { oneOf, parseFlags } from '../args.ts';
import { CliUsageError, EXIT } from '../cli-error.ts';
import { openRegistry } from '../open-registry.ts';
import { registryTarget, TARGET_FLAGS, type TargetFlags } from '../registry-target.ts';
import { MODELS_USAGE } from '../usage.ts';
import type { Io } from './common.ts';

/**
 * `mizan models KIND`: the current version, every version with its metrics (and whether it is
 * published), the snapshots and the promotion history, as JSON; from a data dir or a deployment.
 */
export async function modelsCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags('models', argv, TARGET_FLAGS);
  if (positionals.length !== 1) throw new CliUsageError(`usage: ${MODELS_USAGE} (KIND: ${MODEL_KINDS.join(', ')})`);
  const kind = oneOf<ModelKind>('model kind', positionals[0], MODEL_KINDS);
  const opened = await openRegistry(registryTarget(values as TargetFlags, io.env));
  try {
    io.stdout(JSON.stringify(await readModels(kind, opened), null, 2));
    return EXIT.ok;
  } finally {
    opened.close();
  }
}
