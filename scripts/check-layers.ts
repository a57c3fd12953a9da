/**
 * `npm run lint:layers`: the layers of .dependency-cruiser.mjs, then no cycle between folders.
 *
 * dependency-cruiser checks the layer rules module by module; its `circular` rule sees cycles between
 * modules only, and its `--collapse` merges modules for the reports after the rules have run. A cycle
 * between folders (a/x → b/y and b/z → a/w, with no cycle between modules) is found here: the cruise's
 * modules collapsed to the config's folder pattern (the archi report's collapsePattern), then Tarjan's
 * strongly connected components. Every violation is printed as `error <rule>: …`; exit 1 if any.
 */
import { pathToFileURL } from 'node:url';
import { cruise, format, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const CONFIG = './.dependency-cruiser.mjs';
const ROOTS = ['src', 'functions', 'infra', 'containers'];
export const FOLDER_CYCLE_RULE = 'no-folder-cycle';

/** Folder → folder, with the module imports behind each edge. */
export type FolderGraph = Map<string, Map<string, string[]>>;

export function folderGraph(result: ICruiseResult, folderPattern: RegExp): FolderGraph {
  const folderOf = (path: string) => folderPattern.exec(path)?.[0];
  const graph: FolderGraph = new Map();
  for (const module of result.modules) {
    const from = folderOf(module.source);
    if (!from) continue;
    for (const dependency of module.dependencies) {
      const to = folderOf(dependency.resolved);
      if (!to || to === from) continue;
      const edges = graph.get(from) ?? new Map<string, string[]>();
      graph.set(from, edges);
      edges.set(to, [...(edges.get(to) ?? []), `${module.source} → ${dependency.resolved}`]);
    }
  }
  return graph;
}

/** The strongly connected components of more than one folder, each sorted, in order of their first folder. */
export function folderCycles(graph: FolderGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (folder: string): void => {
    index.set(folder, index.size);
    low.set(folder, index.get(folder)!);
    stack.push(folder);
    onStack.add(folder);
    for (const next of graph.get(folder)?.keys() ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(folder, Math.min(low.get(folder)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(folder, Math.min(low.get(folder)!, index.get(next)!));
      }
    }
    if (low.get(folder) !== index.get(folder)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== folder);
    if (component.length > 1) components.push(component.sort());
  };
  for (const folder of [...graph.keys()].sort()) if (!index.has(folder)) visit(folder);
  return components.sort((a, b) => a[0].localeCompare(b[0]));
}

/** One `error no-folder-cycle` block per cycle: its folders, then each edge inside it with one of its imports. */
export function describeCycles(graph: FolderGraph, cycles: string[][]): string {
  return cycles
    .map((cycle) => {
      const members = new Set(cycle);
      const edges = cycle.flatMap((from) =>
        [...(graph.get(from) ?? [])]
          .filter(([to]) => members.has(to))
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([to, imports]) => `    ${from} → ${to} (${imports.length} import${imports.length === 1 ? '' : 's'}, e.g. ${imports.sort()[0]})`),
      );
      return [`  error ${FOLDER_CYCLE_RULE}: ${cycle.join(' ⇄ ')}`, ...edges].join('\n');
    })
    .join('\n');
}

async function main(): Promise<number> {
  const options = await extractDepcruiseOptions(CONFIG);
  const tsConfig = extractTSConfig('tsconfig.json');
  const cruised = await cruise(ROOTS, options, {}, { tsConfig });
  const result = cruised.output as ICruiseResult;
  const pattern = options.reporterOptions?.archi?.collapsePattern;
  if (typeof pattern !== 'string') throw new Error(`${CONFIG}: options.reporterOptions.archi.collapsePattern (the folder pattern) is missing`);

  const layers = await format(result, { outputType: 'err' });
  if (result.summary.error > 0) process.stdout.write(String(layers.output));
  const graph = folderGraph(result, new RegExp(pattern));
  const cycles = folderCycles(graph);
  if (cycles.length > 0) process.stdout.write(`\n${describeCycles(graph, cycles)}\n`);

  const { error, totalCruised, totalDependenciesCruised } = result.summary;
  console.log(
    `\n${error === 0 && cycles.length === 0 ? '✔' : 'x'} layers: ${error} import violation${error === 1 ? '' : 's'}, ` +
      `${cycles.length} folder cycle${cycles.length === 1 ? '' : 's'} (${graph.size} folders importing others, ${totalCruised} modules, ${totalDependenciesCruised} dependencies cruised)`,
  );
  return error > 0 || cycles.length > 0 ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = await main();
