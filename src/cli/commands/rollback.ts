import type { ModelKind } from '../../config/model-kinds.ts';
import { MODEL_KINDS } from '../../models/kinds.ts';
import { CurrentConflictError } from '../../pipeline/change-current.ts';
import { rollbackTarget } from '../../pipeline/rollback-target.ts';
import { oneOf, parseFlags } from '../args.ts';
import { CliUsageError, EXIT } from '../cli-error.ts';
import { openRegistry } from '../open-registry.ts';
import { registryTarget, type TargetFlags } from '../registry-target.ts';
import { ROLLBACK_USAGE } from '../usage.ts';
import type { Io } from './common.ts';
import { cliActor, CURRENT_FLAGS, readExpectedCurrent, readReason, runCurrentChange } from './current-change.ts';

/**
 * `mizan rollback KIND [--to VERSION] --reason TEXT`: back to the version that was current before
 * (or to VERSION, which must have been current once), by compare-and-swap from the current one.
 */
export async function rollbackCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags('rollback', argv, { ...CURRENT_FLAGS, to: { type: 'string' } });
  if (positionals.length !== 1) throw new CliUsageError(`usage: ${ROLLBACK_USAGE}`);
  const kind = oneOf<ModelKind>('model kind', positionals[0], MODEL_KINDS);
  const reason = readReason(values.reason);
  const expectedCurrent = readExpectedCurrent(values['expected-current']);
  const opened = await openRegistry(registryTarget(values as TargetFlags, io.env));
  let target: { target: string; current: string };
  try {
    target = await rollbackTarget(kind, values.to as string | undefined, opened);
  } catch (error) {
    opened.close();
    throw error;
  }
  // The pointer the target was read from is the expectation, unless the caller names one: then they must agree.
  if (expectedCurrent !== undefined && expectedCurrent !== target.current) {
    opened.close();
    io.stderr(`mizan rollback: ${new CurrentConflictError(kind, target.current, expectedCurrent).message}`);
    return EXIT.failed;
  }
  const input = { kind, version: target.target, expectedCurrent: target.current, reason, by: cliActor(io.env), action: 'rollback' as const };
  return runCurrentChange('rollback', input, opened, io);
}
