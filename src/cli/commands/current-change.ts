/**
 * What `mizan promote` and `mizan rollback` share: their flags, who the history names, and how a
 * change of `current` is printed: the outcome as JSON on stdout, a line on stderr; a conflict (the
 * pointer is not where the caller expected) is exit 1 naming the current version, nothing changed.
 */
import { hostname, userInfo } from 'node:os';
import { changeCurrent, CurrentConflictError, type ChangeCurrentInput } from '../../pipeline/change-current.ts';
import { isVersion } from '../../registry/version.ts';
import { CliUsageError, EXIT } from '../cli-error.ts';
import type { OpenedRegistry } from '../open-registry.ts';
import { TARGET_FLAGS } from '../registry-target.ts';
import type { Io } from './common.ts';

export const CURRENT_FLAGS = { ...TARGET_FLAGS, reason: { type: 'string' }, 'expected-current': { type: 'string' } } as const;

export function readReason(value: unknown): string {
  if (typeof value !== 'string') throw new CliUsageError('--reason TEXT is required: say why (it is kept in the promotion history)');
  return value;
}

/** `--expected-current VERSION` (or `none`): the compare-and-swap's expectation; absent: what is current when the command reads it. */
export function readExpectedCurrent(value: unknown): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === 'none') return null;
  if (!isVersion(value)) throw new CliUsageError(`--expected-current "${String(value).slice(0, 80)}" is not a version (v{YYYY.MM.DD}-{hex}) or none`);
  return value;
}

/** The person at the terminal, as the promotion history names them. */
export function cliActor(env: NodeJS.ProcessEnv): string {
  let user: string | undefined;
  try {
    user = userInfo().username;
  } catch {
    user = env.USER ?? env.USERNAME; // no passwd entry (some containers)
  }
  return `${user || 'unknown'}@${hostname()} (cli)`;
}

export async function runCurrentChange(command: string, input: ChangeCurrentInput, opened: OpenedRegistry, io: Io): Promise<number> {
  try {
    const outcome = await changeCurrent(input, opened);
    io.stderr(
      outcome.changed
        ? `${input.kind}: current is ${outcome.current} (was ${outcome.previous ?? 'none'}), recorded as a manual ${input.action}`
        : `${input.kind} ${outcome.current} is current already: nothing changed`,
    );
    io.stdout(JSON.stringify(outcome, null, 2));
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof CurrentConflictError)) throw error;
    io.stderr(`mizan ${command}: ${error.message}`);
    return EXIT.failed;
  } finally {
    opened.close();
  }
}
