/** The folder-cycle check of `npm run lint:layers` (scripts/check-layers.ts) on hand-made import graphs. */
import type { ICruiseResult } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';
import { describeCycles, folderCycles, folderGraph } from '../../scripts/check-layers.ts';

const FOLDERS = /^(src\/[^/]+|functions|containers\/[^/]+|infra\/[^/]+(?=\/)|infra)/;

/** A cruise result of these imports (`from → to`, module paths). */
function cruised(imports: Array<[string, string]>): ICruiseResult {
  const modules = [...new Set(imports.flat())].map((source) => ({
    source,
    dependencies: imports.filter(([from]) => from === source).map(([, resolved]) => ({ resolved })),
  }));
  return { modules } as unknown as ICruiseResult;
}

describe('folderCycles (no cycle between folders)', () => {
  it('finds a cycle between two folders that no two modules close (a/x → b/y, b/z → a/w)', () => {
    const graph = folderGraph(cruised([['src/a/x.ts', 'src/b/y.ts'], ['src/b/z.ts', 'src/a/w.ts']]), FOLDERS);
    const cycles = folderCycles(graph);
    expect(cycles).toEqual([['src/a', 'src/b']]);
    expect(describeCycles(graph, cycles)).toBe(
      [
        '  error no-folder-cycle: src/a ⇄ src/b',
        '    src/a → src/b (1 import, e.g. src/a/x.ts → src/b/y.ts)',
        '    src/b → src/a (1 import, e.g. src/b/z.ts → src/a/w.ts)',
      ].join('\n'),
    );
  });

  it('allows cycles between modules of one folder, and a folder tree without cycles', () => {
    const graph = folderGraph(
      cruised([
        ['src/models/agents/a.ts', 'src/models/forecasters/b.ts'],
        ['src/models/forecasters/b.ts', 'src/models/agents/a.ts'],
        ['src/models/agents/a.ts', 'src/ports/p.ts'],
        ['src/pipeline/c.ts', 'src/models/agents/a.ts'],
        ['infra/app.ts', 'infra/constructs/d.ts'],
        ['infra/constructs/d.ts', 'infra/config/e.ts'],
      ]),
      FOLDERS,
    );
    expect(folderCycles(graph)).toEqual([]);
  });

  it('reports a longer cycle once, with every folder in it (infra → infra/constructs → functions → infra)', () => {
    const graph = folderGraph(
      cruised([
        ['infra/app.ts', 'infra/constructs/d.ts'],
        ['infra/constructs/d.ts', 'functions/api/r.ts'],
        ['functions/api/r.ts', 'infra/stack.ts'],
        ['src/cli/m.ts', 'infra/app.ts'],
      ]),
      FOLDERS,
    );
    expect(folderCycles(graph)).toEqual([['functions', 'infra', 'infra/constructs']]);
  });
});
