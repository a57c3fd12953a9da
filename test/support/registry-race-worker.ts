// A separate process racing on a LocalModelRegistry, driven line by line over stdin/stdout:
// each stdin line is a JSON command; each result is one JSON line on stdout. The parent
// sends a command to every worker at once, so their writes really overlap.
import { createInterface } from 'node:readline';
import { LocalModelRegistry } from '../../src/adapters/local/local-model-registry.ts';
import type { ModelKind } from '../../src/config/model-kinds.ts';

export type RaceCommand =
  | { op: 'claim'; kind: ModelKind; version: string; executionIds: string[] }
  | { op: 'promote'; kind: ModelKind; expected: string | undefined; next: string }
  | { op: 'promote-loop'; kind: ModelKind; nextVersions: string[] };

const registry = new LocalModelRegistry(process.argv[2]);

async function run(command: RaceCommand): Promise<unknown> {
  switch (command.op) {
    case 'claim': {
      const results = await Promise.all(command.executionIds.map((id) => registry.claim(command.kind, command.version, id)));
      return results.map((result) => (result.claimed ? result.record.executionId : null));
    }
    case 'promote':
      return registry.promote(command.kind, command.expected, command.next);
    case 'promote-loop': {
      const moves: Array<[string | null, string]> = [];
      for (const next of command.nextVersions) {
        const expected = await registry.current(command.kind);
        if (await registry.promote(command.kind, expected, next)) moves.push([expected ?? null, next]);
      }
      return moves;
    }
  }
}

process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) {
  try {
    process.stdout.write(JSON.stringify({ ok: await run(JSON.parse(line) as RaceCommand) }) + '\n');
  } catch (error) {
    process.stdout.write(JSON.stringify({ error: String(error) }) + '\n');
  }
}
