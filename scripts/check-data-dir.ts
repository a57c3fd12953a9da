/**
 * Checks a data dir against its invariants (src/adapters/local/data-dir-invariants.ts), when no mizan
 * process is using it, and optionally a run's report against the registry and `current`:
 *   node bin/run-ts.mjs scripts/check-data-dir.ts DATA_DIR [--kind K --exit N --stdout FILE --current-before V]
 * Prints the violations and what is pending for the next run, one per line; exits 1 on a violation.
 * Without --stdout (a run that printed no result), the run's version is its newest record.
 */
import { readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { checkDataDir, checkRun } from '../src/adapters/local/data-dir-invariants.ts';
import { LocalModelRegistry } from '../src/adapters/local/local-model-registry.ts';
import { isModelKind } from '../src/models/kinds.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { kind: { type: 'string' }, exit: { type: 'string' }, stdout: { type: 'string' }, 'current-before': { type: 'string' } },
});
const dataDir = positionals[0];
if (!dataDir) {
  process.stderr.write('usage: check-data-dir.ts DATA_DIR [--kind K --exit N --stdout FILE --current-before V]\n');
  process.exit(2);
}
const check = await checkDataDir(dataDir);
const violations = [...check.violations];
const kind = values.kind;
if (kind !== undefined && isModelKind(kind) && values.exit !== undefined) {
  const stdout = values.stdout ? await readFile(values.stdout, 'utf8').catch(() => '') : '';
  const printed = stdout.trim() ? (JSON.parse(stdout) as { version?: string }).version : undefined;
  const newest = (await new LocalModelRegistry(dataDir).list(kind)).at(-1)?.version;
  const version = printed ?? newest;
  const currentBefore = values['current-before'] || undefined;
  if (version !== undefined && version !== currentBefore) {
    violations.push(...(await checkRun(dataDir, { kind, version, exitCode: Number(values.exit), stdout, currentBefore })));
  } else {
    const current = await readlink(join(dataDir, 'models', kind, 'current')).catch(() => undefined);
    if (Number(values.exit) !== 0 && current !== currentBefore) violations.push(`exit ${values.exit} but current moved to ${current ?? 'none'}`);
  }
}
for (const line of violations) process.stdout.write(`violation: ${line}\n`);
for (const line of check.pending) process.stdout.write(`pending: ${line}\n`);
process.exit(violations.length > 0 ? 1 : 0);
