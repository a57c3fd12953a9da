/**
 * Where `mizan rollback KIND [--to VERSION]` goes: by default the version that was current before the
 * move that made the current one current (so a second rollback undoes the first); with `--to`, a
 * version that was current at some point in the kind's promotion history. Any other version is not a
 * rollback: `mizan promote` makes it current.
 */
import type { ModelKind } from '../config/model-kinds.ts';
import type { ModelRegistry } from '../ports/model-registry.ts';
import { entryOfCurrent } from '../registry/promotion-history.ts';
import { isVersion } from '../registry/version.ts';
import { UserInputError } from '../config/errors.ts';

export async function rollbackTarget(
  kind: ModelKind,
  to: string | undefined,
  deps: { registry: Pick<ModelRegistry, 'current' | 'history'> },
): Promise<{ target: string; current: string }> {
  if (to !== undefined && !isVersion(to)) throw new UserInputError(`--to "${String(to).slice(0, 80)}" is not a version: expected v{YYYY.MM.DD}-{hex}`, ['to']);
  const [current, history] = await Promise.all([deps.registry.current(kind), deps.registry.history(kind)]);
  if (current === undefined) throw new UserInputError(`${kind} has no current version: there is nothing to roll back`);
  if (to !== undefined) {
    if (to === current) throw new UserInputError(`${kind} ${to} is the current version already`, ['to']);
    if (!history.some((entry) => entry.to === to)) {
      throw new UserInputError(`${kind} ${to} was never current, so it is no rollback: \`mizan promote ${kind} ${to} --reason …\` makes it current`, ['to']);
    }
    return { target: to, current };
  }
  const made = entryOfCurrent(history, current);
  if (made?.from) return { target: made.from, current };
  throw new UserInputError(
    made ? `${current} was the first current ${kind} version: there is none before it to roll back to` : `the history does not say which ${kind} version was current before ${current}: give --to VERSION`,
  );
}
