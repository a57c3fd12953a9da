/**
 * Test-only: `mizan gc` (keep 3) on a data dir, killed with SIGKILL after its K-th write or delete
 * (tombstone put, record removal, file or folder deletion): a crash at an exact point, as a power
 * cut would leave it. Run as `node bin/run-ts.mjs test/support/gc-crash-entry.ts DATA_DIR K`; when
 * the gc ends before its K-th change it prints how many it made and exits 0.
 */
import { DirArtifactStore } from '../../src/adapters/local/dir-artifact-store.ts';
import { LocalModelRegistry } from '../../src/adapters/local/local-model-registry.ts';
import type { ArtifactStore } from '../../src/ports/artifact-store.ts';
import type { ModelRegistry } from '../../src/ports/model-registry.ts';
import { collectGarbage } from '../../src/retention/collect-garbage.ts';

const [dataDir, killAfterText] = process.argv.slice(2);
const killAfter = Number(killAfterText);
let changes = 0;

/** Counts a change once it is made; the K-th is the last this process makes. */
function counted<T extends object>(target: T, methods: string[]): T {
  return new Proxy(target, {
    get(object, name, receiver) {
      const value = Reflect.get(object, name, receiver) as unknown;
      if (typeof value !== 'function') return value;
      if (!methods.includes(String(name))) return value.bind(object);
      return async (...args: unknown[]) => {
        const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(object, args);
        if (++changes >= killAfter) process.kill(process.pid, 'SIGKILL');
        return result;
      };
    },
  });
}

const store = counted<ArtifactStore>(new DirArtifactStore(dataDir), ['put', 'delete', 'deletePrefix']);
const registry = counted<ModelRegistry>(new LocalModelRegistry(dataDir), ['remove']);
await collectGarbage({ keep: 3, olderThanDays: 0, now: new Date(), dryRun: false }, { store, registry });
process.stdout.write(`${JSON.stringify({ changes })}\n`);
