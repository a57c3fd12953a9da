import type { ModelKind } from '../../config/model-kinds.ts';
import { MODEL_KINDS } from '../../models/kinds.ts';
import { oneOf, parseFlags } from '../args.ts';
import { CliUsageError } from '../cli-error.ts';
import { openRegistry } from '../open-registry.ts';
import { registryTarget, type TargetFlags } from '../registry-target.ts';
import { PROMOTE_USAGE } from '../usage.ts';
import type { Io } from './common.ts';
import { cliActor, CURRENT_FLAGS, readExpectedCurrent, readReason, runCurrentChange } from './current-change.ts';

/** `mizan promote KIND VERSION --reason TEXT`: makes a SUCCEEDED version current by hand, on the record. */
export async function promoteCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags('promote', argv, CURRENT_FLAGS);
  if (positionals.length !== 2) throw new CliUsageError(`usage: ${PROMOTE_USAGE}`);
  const kind = oneOf<ModelKind>('model kind', positionals[0], MODEL_KINDS);
  const reason = readReason(values.reason);
  const expectedCurrent = readExpectedCurrent(values['expected-current']);
  const opened = await openRegistry(registryTarget(values as TargetFlags, io.env));
  const input = { kind, version: positionals[1] as string, expectedCurrent, reason, by: cliActor(io.env), action: 'promote' as const };
  return runCurrentChange('promote', input, opened, io);
}
