/**
 * Test-only trainer entry (MIZAN_TRAINER_ENTRY points the local runner here): injects the fault
 * named by MIZAN_TRAINER_FAULT, then runs the real containers/trainer/entrypoint.ts.
 *   crash                     writes part of the version's artifacts (no metadata.json, the commit
 *                             marker) and fails: a half-written version is never visible
 *   crash-snapshot            fails snapshot jobs only: a run failing after its model trained promotes nothing
 *   crash-snapshot-then-hang  fails the first snapshot year and hangs the others: a failed Map stops its siblings
 *   crash-walk-forward        fails the walk-forward scoring only: a run failing after its backfill promotes nothing
 *   hang                      never finishes
 * A failure ends like the real trainer's: `mizan-trainer: failed: <reason>` on stderr, exit 1.
 */
import { TRAINER_FAILURE_PREFIX } from '../../src/adapters/local-workflow/trainer-processes.ts';
import { DirArtifactStore } from '../../src/adapters/local/dir-artifact-store.ts';
import { versionPrefix } from '../../src/models/artifacts/model-files.ts';
import type { TrainerFault } from './trainer-fault.ts';

const fault = process.env.MIZAN_TRAINER_FAULT as TrainerFault | undefined;
const task = process.env.MIZAN_TASK;
const yearEnd = process.env.MIZAN_SNAPSHOT_YEAR_END;
const plan = JSON.parse(process.env.MIZAN_PLAN ?? '{}') as { kind: string; version: string; snapshotYearEnds?: string[] };

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** Never resolves; the process lives until killed or, as the real trainer, until its parent dies. */
function hang(): Promise<never> {
  if (process.env.MIZAN_EXIT_WITH_PARENT === '1') {
    process.stdin.on('end', () => process.exit(1));
    process.stdin.on('error', () => process.exit(1));
    process.stdin.resume();
  }
  setInterval(() => undefined, 60_000);
  return new Promise<never>(() => undefined);
}

async function injectFault(): Promise<void> {
  if (fault === 'crash-snapshot-then-hang' && task === 'snapshot') {
    if (yearEnd === plan.snapshotYearEnds?.[0]) throw new Error(`injected fault: the snapshot ${yearEnd} trainer crashed (MIZAN_TRAINER_FAULT=${fault})`);
    log(`injected fault: snapshot ${yearEnd} hanging (MIZAN_TRAINER_FAULT=${fault})`);
    await hang();
  }
  if (fault === 'crash') {
    const store = new DirArtifactStore(process.env.MIZAN_DATA_DIR ?? 'data');
    await store.put(`${versionPrefix(plan.kind as never, plan.version)}/model.json`, '{"modelTopology": {"trunc');
    throw new Error('injected fault: the trainer crashed mid-write (MIZAN_TRAINER_FAULT=crash)');
  }
  if (fault === 'crash-snapshot' && task === 'snapshot') {
    throw new Error(`injected fault: the snapshot ${yearEnd} trainer crashed (MIZAN_TRAINER_FAULT=${fault})`);
  }
  if (fault === 'crash-walk-forward' && task === 'walk-forward') {
    throw new Error(`injected fault: the walk-forward scoring crashed (MIZAN_TRAINER_FAULT=${fault})`);
  }
  if (fault === 'hang') {
    log(`injected fault: hanging (MIZAN_TRAINER_FAULT=${fault})`);
    await hang();
  }
}

try {
  await injectFault();
} catch (error) {
  log(`${TRAINER_FAILURE_PREFIX}${(error as Error).message}`);
  process.exit(1);
}
await import('../../containers/trainer/entrypoint.ts');
