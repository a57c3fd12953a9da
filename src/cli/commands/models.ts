import { MODEL_KINDS, type ModelKind } from '../../config/model-kinds.ts';
import { readModels } from '../../pipeline/read-models.ts';
import { oneOf, parseFlags } from '../args.ts';
import { CliUsageError, EXIT } from '../cli-error.ts';
import { openLocalSystem } from '../local-system.ts';
import { commonOptions, readCommonOptions, type Io } from './common.ts';

/** `mizan models KIND`: the current version and every version with its metrics, as JSON. */
export async function modelsCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags('models', argv, { 'data-dir': commonOptions['data-dir'] });
  if (positionals.length !== 1) throw new CliUsageError(`usage: mizan models KIND [--data-dir DIR] (KIND: ${MODEL_KINDS.join(', ')})`);
  const kind = oneOf<ModelKind>('model kind', positionals[0], MODEL_KINDS);
  const system = await openLocalSystem({ ...readCommonOptions(values, io.env), readOnly: true }, io);
  try {
    io.stdout(JSON.stringify(await readModels(kind, system), null, 2));
    return EXIT.ok;
  } finally {
    await system.close();
  }
}
