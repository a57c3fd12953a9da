/**
 * `npm install --omit=dev` must run `mizan train|serve|models|forecasts|universe` and the trainer:
 * every package their import graph reaches (static and dynamic imports) is a production dependency.
 * esbuild walks the graph without writing anything; .ci/run checks the same by a real install.
 */
import { readFileSync } from 'node:fs';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';

const ENTRIES = ['src/cli/main.ts', 'containers/trainer/entrypoint.ts'];
const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string>; optionalDependencies?: Record<string, string> };
const PRODUCTION = new Set([...Object.keys(manifest.dependencies), ...Object.keys(manifest.optionalDependencies ?? {})]);

function packageOf(specifier: string): string {
  return specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
}

/** Each external package the graph imports, with one chain of files from an entry to it. */
function packagesWithChains(metafile: Metafile): Map<string, string[]> {
  const parent = new Map<string, string>();
  const queue = ENTRIES.filter((entry) => metafile.inputs[entry]);
  const seen = new Set(queue);
  const found = new Map<string, string[]>();
  const chainTo = (file: string) => {
    const chain = [file];
    while (parent.has(chain[0])) chain.unshift(parent.get(chain[0])!);
    return chain;
  };
  while (queue.length > 0) {
    const file = queue.shift()!;
    for (const { path, external } of metafile.inputs[file]?.imports ?? []) {
      if (external) {
        if (!path.startsWith('node:') && !found.has(packageOf(path))) found.set(packageOf(path), chainTo(file));
      } else if (!seen.has(path)) {
        seen.add(path);
        parent.set(path, file);
        queue.push(path);
      }
    }
  }
  return found;
}

describe('the run-time import graph', () => {
  it('reaches only production dependencies from the CLI and the trainer entrypoint', async () => {
    // Act
    const { metafile } = await build({
      entryPoints: ENTRIES,
      bundle: true,
      write: false,
      splitting: true,
      format: 'esm',
      platform: 'node',
      packages: 'external',
      outdir: 'unused',
      metafile: true,
      logLevel: 'silent',
    });
    const packages = packagesWithChains(metafile);
    // Assess
    const devOnly = [...packages].filter(([name]) => !PRODUCTION.has(name)).map(([name, chain]) => `${name} <- ${[...chain].reverse().join(' <- ')}`);
    expect(devOnly, 'a dev dependency on the run-time path breaks `npm install --omit=dev`').toEqual([]);
    expect([...packages.keys()]).toEqual(expect.arrayContaining(['aws-local-stepfunctions', 'zod']));
  });
});
