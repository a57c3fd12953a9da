// A separate process racing on a ModelRegistry, driven line by line over stdin/stdout: each stdin
// line is a JSON command; each result is one JSON line on stdout. The parent sends a command to
// every worker at once, so their writes really overlap.
//   node --import tsx registry-race-worker.ts local <dataDir>
//   node --import tsx registry-race-worker.ts dynamo <endpoint> <table>
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createInterface } from 'node:readline';
import { DynamoModelRegistry } from '../../src/adapters/aws/dynamo-model-registry.ts';
import { LocalModelRegistry } from '../../src/adapters/local/local-model-registry.ts';
import type { ModelKind } from '../../src/config/model-kinds.ts';
import type { ModelRegistry } from '../../src/ports/model-registry.ts';

export type RaceCommand =
  | { op: 'claim'; kind: ModelKind; version: string; executionIds: string[]; reopenSucceeded?: boolean }
  | { op: 'promote'; kind: ModelKind; expected: string | undefined; next: string }
  | { op: 'promote-loop'; kind: ModelKind; nextVersions: string[] };

/** One claim's outcome as the worker reports it: whether it won, and the execution the record names. */
export interface ClaimAnswer {
  claimed: boolean;
  executionId: string;
}

function openRegistry(args: string[]): ModelRegistry {
  const [adapter, ...rest] = args;
  if (adapter === 'local') return new LocalModelRegistry(rest[0]);
  if (adapter === 'dynamo') {
    const client = new DynamoDBClient({ endpoint: rest[0], region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    return new DynamoModelRegistry(client, rest[1]);
  }
  throw new Error(`usage: registry-race-worker.ts local DIR | dynamo ENDPOINT TABLE (got ${args.join(' ')})`);
}

const registry = openRegistry(process.argv.slice(2));

async function run(command: RaceCommand): Promise<unknown> {
  switch (command.op) {
    case 'claim': {
      const options = command.reopenSucceeded ? { reopenSucceeded: true } : {};
      const results = await Promise.all(command.executionIds.map((id) => registry.claim(command.kind, command.version, id, options)));
      return results.map((result): ClaimAnswer => (result.claimed ? { claimed: true, executionId: result.record.executionId } : { claimed: false, executionId: result.existing.executionId }));
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
