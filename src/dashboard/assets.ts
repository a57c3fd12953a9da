/**
 * The files every page loads: uPlot from node_modules (no CDN: the dashboard works offline) and the
 * dashboard's own CSS and chart glue. A fixed list, looked up by name: a URL never becomes a path.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const own = (name: string) => fileURLToPath(new URL(`./assets/${name}`, import.meta.url));

const ASSETS: Record<string, { path: () => string; type: string }> = {
  'uPlot.iife.min.js': { path: () => require.resolve('uplot/dist/uPlot.iife.min.js'), type: 'text/javascript; charset=utf-8' },
  'uPlot.min.css': { path: () => require.resolve('uplot/dist/uPlot.min.css'), type: 'text/css; charset=utf-8' },
  'dashboard.js': { path: () => own('dashboard.js'), type: 'text/javascript; charset=utf-8' },
  'dashboard.css': { path: () => own('dashboard.css'), type: 'text/css; charset=utf-8' },
};

export const ASSET_NAMES = Object.keys(ASSETS);

const cache = new Map<string, Promise<Uint8Array>>();

/** The asset's bytes and content type, or undefined for a name that is not on the list. */
export async function readAsset(name: string): Promise<{ body: Uint8Array; type: string } | undefined> {
  const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
  if (!asset) return undefined;
  let bytes = cache.get(name);
  if (!bytes) {
    bytes = readFile(asset.path()).then((b) => new Uint8Array(b));
    bytes.catch(() => cache.delete(name));
    cache.set(name, bytes);
  }
  return { body: await bytes, type: asset.type };
}
